// processor:filter on the wire: decides each record (log record, span, metric) from its bytes with the rules of
// rules.ts, and writes a request of the kept records' bytes as they came, without decoding any. Containers follow the
// decode path: a scope or resource whose records were all dropped goes too; one that came in empty stays. What the
// walker does not handle (a truncated request, a group, a field given twice that the decoder would merge: two bodies,
// two metric data fields) throws NOT_ON_WIRE, and the caller decodes instead.
import type { Signal } from '../../../pipeline/pdata.js';
import { WireEdit } from '../../../pdata/wire-edit.js';
import { fieldId, SIGNAL_LAYOUTS } from '../../../pdata/wire-layout.js';
import { NOT_ON_WIRE, WIRE_LEN, WIRE_VARINT, WireReader } from '../../../pdata/wire-reader.js';
import type { FilterOutcome } from './decode.js';
import { eventGroup, keptBy, logRecordGroup, NONE, outcome, severityHolds, type FilterRules, type GroupOutcome, type KeyValueRule, type LogRules, type SpanRules } from './rules.js';
import { allSet, anySet, WireValues } from './wire-values.js';

const lenTag = (field: number): number => field * 8 + WIRE_LEN;
const P = 'opentelemetry.proto.';
const LOG = `${P}logs.v1.LogRecord`;
const SPAN = `${P}trace.v1.Span`;
const TAGS = {
  severityNumber: fieldId(LOG, 'severityNumber') * 8 + WIRE_VARINT,
  severityText: lenTag(fieldId(LOG, 'severityText')),
  body: lenTag(fieldId(LOG, 'body')),
  spanName: lenTag(fieldId(SPAN, 'name')),
  events: lenTag(fieldId(SPAN, 'events')),
  eventName: lenTag(fieldId(`${SPAN}.Event`, 'name')),
  eventAttributes: lenTag(fieldId(`${SPAN}.Event`, 'attributes')),
  links: lenTag(fieldId(SPAN, 'links')),
  linkAttributes: lenTag(fieldId(`${SPAN}.Link`, 'attributes')),
  metricName: lenTag(fieldId(`${P}metrics.v1.Metric`, 'name')),
};

/** The rules of one include or exclude, with the flags of its attribute rules for the record being read. */
interface Side<R> {
  include: boolean;
  rules: R;
  /** This side's resource group for the current resource. */
  resource: GroupOutcome;
  resourceMatched: Uint8Array;
  recordMatched: Uint8Array;
  nestedMatched: Uint8Array;
}

function side<R extends { resource: KeyValueRule[] }>(include: boolean, rules: R | undefined, recordRules: (r: R) => KeyValueRule[], nestedRules: (r: R) => KeyValueRule[]): Side<R> | undefined {
  if (rules === undefined) return undefined;
  return {
    include,
    rules,
    resource: NONE,
    resourceMatched: new Uint8Array(rules.resource.length),
    recordMatched: new Uint8Array(recordRules(rules).length),
    nestedMatched: new Uint8Array(nestedRules(rules).length),
  };
}

class FilterWalker {
  private readonly reader = new WireReader();
  private readonly values = new WireValues(this.reader);
  private readonly edit = new WireEdit();
  private readonly resourcesTag: number;
  private readonly resourceTag: number;
  private readonly resourceListTag: number;
  private readonly scopesTag: number;
  private readonly recordsTag: number;
  private readonly recordListTag: number;
  private readonly dataTags: readonly number[];
  private readonly pointsTags: readonly number[];
  private readonly logSides: ReadonlyArray<Side<LogRules>>;
  private readonly spanSides: ReadonlyArray<Side<SpanRules>>;
  private readonly groups: GroupOutcome[] = [];
  /** Per side (include, exclude): whether some event, some link of the span being read matched. */
  private readonly eventHolds = [false, false];
  private readonly linkHolds = [false, false];
  private kept = 0;
  private dropped = 0;
  private keptRecords = 0;
  private droppedRecords = 0;

  constructor(
    private readonly signal: Signal,
    private readonly rules: FilterRules,
  ) {
    const layout = SIGNAL_LAYOUTS[signal];
    this.resourcesTag = lenTag(layout.resources);
    this.resourceTag = lenTag(layout.resource);
    this.resourceListTag = lenTag(layout.resourceAttributes);
    this.scopesTag = lenTag(layout.scopes);
    this.recordsTag = lenTag(layout.records);
    this.recordListTag = lenTag(layout.recordAttributes);
    this.dataTags = layout.metricData.map((d) => lenTag(d.field));
    this.pointsTags = layout.metricData.map((d) => lenTag(d.points));
    const logs = rules.logs;
    this.logSides = [side(true, logs.include, (r) => r.record, () => []), side(false, logs.exclude, (r) => r.record, () => [])].filter((s) => s !== undefined);
    const traces = rules.traces;
    const spanSide = (include: boolean, r: SpanRules | undefined) => side(include, r, (x) => x.attributes, (x) => [...x.eventAttributes, ...x.links]);
    this.spanSides = [spanSide(true, traces.include), spanSide(false, traces.exclude)].filter((s) => s !== undefined);
  }

  filter(payload: Uint8Array): FilterOutcome {
    const r = this.reader;
    const edit = this.edit;
    r.reset(payload);
    this.values.setInput(payload);
    edit.begin(payload);
    this.kept = this.dropped = this.keptRecords = this.droppedRecords = 0;
    try {
      const end = payload.length;
      while (r.pos < end) {
        const tagStart = r.pos;
        const tag = r.varint(end);
        if (tag === this.resourcesTag) {
          const tagEnd = r.pos;
          const stop = r.lengthEnd(end);
          this.resourceItem(tagStart, tagEnd, r.pos, stop);
          r.pos = stop;
        } else {
          r.skip(tag % 8, end);
          edit.copy(tagStart, r.pos);
        }
      }
      const { kept, dropped, keptRecords, droppedRecords } = this;
      if (droppedRecords === 0) return { kept, dropped, payload: undefined, empty: false };
      if (keptRecords === 0) return { kept, dropped, payload: undefined, empty: true };
      return { kept, dropped, payload: edit.finish(), empty: false };
    } finally {
      r.release();
      this.values.setInput(new Uint8Array(0));
      edit.release();
    }
  }

  /** Ends a container opened at the marks: removed when the filter emptied it, kept as it came when nothing in it was dropped. */
  private closeContainer(mark: number, length: number, tagStart: number, end: number, keptBefore: number, droppedBefore: number): void {
    const edit = this.edit;
    if (this.droppedRecords === droppedBefore) {
      edit.rewind(mark);
      edit.copy(tagStart, end);
    } else if (this.keptRecords === keptBefore) {
      edit.rewind(mark);
    } else {
      edit.closeLength(length);
      edit.commit(mark);
    }
  }

  private resourceItem(tagStart: number, tagEnd: number, start: number, end: number): void {
    const { reader: r, edit } = this;
    const keptBefore = this.keptRecords;
    const droppedBefore = this.droppedRecords;
    this.resourceGroups(start, end);
    const mark = edit.mark();
    edit.copy(tagStart, tagEnd);
    const length = edit.openLength();
    r.pos = start;
    while (r.pos < end) {
      const fieldStart = r.pos;
      const tag = r.varint(end);
      if (tag === this.scopesTag) {
        const fieldTagEnd = r.pos;
        const stop = r.lengthEnd(end);
        this.scopeItem(fieldStart, fieldTagEnd, r.pos, stop);
        r.pos = stop;
      } else {
        r.skip(tag % 8, end);
        edit.copy(fieldStart, r.pos);
      }
    }
    this.closeContainer(mark, length, tagStart, end, keptBefore, droppedBefore);
  }

  /** Each side's resource group: every rule found in the resource's attributes (every `resource` field: they merge). */
  private resourceGroups(start: number, end: number): void {
    const sides: ReadonlyArray<Side<{ resource: KeyValueRule[] }>> = this.signal === 'logs' ? this.logSides : this.spanSides;
    if (this.signal === 'metrics') return;
    const r = this.reader;
    for (const s of sides) s.resourceMatched.fill(0);
    r.pos = start;
    while (r.pos < end) {
      const tag = r.varint(end);
      if (tag !== this.resourceTag) {
        r.skip(tag % 8, end);
        continue;
      }
      const stop = r.lengthEnd(end);
      this.eachListEntry(r.pos, stop, this.resourceListTag, (s, e) => {
        for (const x of sides) this.values.matchKeyValue(s, e, x.rules.resource, x.resourceMatched);
      });
      r.pos = stop;
    }
    for (const s of sides) s.resource = outcome(s.rules.resource.length > 0, allSet(s.resourceMatched, 0, s.resourceMatched.length));
  }

  /** Calls `each` with the content of every field `listTag` of message [start, end). */
  private eachListEntry(start: number, end: number, listTag: number, each: (start: number, end: number) => void): void {
    const r = this.reader;
    r.pos = start;
    while (r.pos < end) {
      const tag = r.varint(end);
      if (tag !== listTag) {
        r.skip(tag % 8, end);
        continue;
      }
      const stop = r.lengthEnd(end);
      each(r.pos, stop);
      r.pos = stop;
    }
  }

  private scopeItem(tagStart: number, tagEnd: number, start: number, end: number): void {
    const { reader: r, edit } = this;
    const keptBefore = this.keptRecords;
    const droppedBefore = this.droppedRecords;
    const mark = edit.mark();
    edit.copy(tagStart, tagEnd);
    const length = edit.openLength();
    r.pos = start;
    while (r.pos < end) {
      const fieldStart = r.pos;
      const tag = r.varint(end);
      if (tag !== this.recordsTag) {
        r.skip(tag % 8, end);
        edit.copy(fieldStart, r.pos);
        continue;
      }
      const stop = r.lengthEnd(end);
      const recordStart = r.pos;
      let items = 1;
      let keep: boolean;
      if (this.signal === 'logs') keep = this.keepLog(recordStart, stop);
      else if (this.signal === 'traces') keep = this.keepSpan(recordStart, stop);
      else {
        items = this.metricPoints(recordStart, stop);
        keep = this.keepMetric(recordStart, stop);
      }
      if (keep) {
        this.kept += items;
        this.keptRecords++;
        edit.copy(fieldStart, stop);
      } else {
        this.dropped += items;
        this.droppedRecords++;
      }
      r.pos = stop;
    }
    this.closeContainer(mark, length, tagStart, end, keptBefore, droppedBefore);
  }

  private keepLog(start: number, end: number): boolean {
    const r = this.reader;
    const values = this.values;
    for (const s of this.logSides) s.recordMatched.fill(0);
    let severity = 0;
    let textStart = 0;
    let textLength = 0;
    let bodyStart = -1;
    let bodyEnd = -1;
    r.pos = start;
    while (r.pos < end) {
      const tag = r.varint(end);
      if (tag === TAGS.severityNumber) {
        // As the decoder reads an enum: int32 of the varint; the last one wins.
        r.varint64(end);
        severity = r.low;
      } else if (tag === TAGS.severityText) {
        const stop = r.lengthEnd(end);
        textStart = r.pos;
        textLength = stop - r.pos;
        r.pos = stop;
      } else if (tag === TAGS.body) {
        if (bodyStart >= 0) throw NOT_ON_WIRE; // two bodies: the decoder merges them
        bodyEnd = r.lengthEnd(end);
        bodyStart = r.pos;
        r.pos = bodyEnd;
      } else if (tag === this.recordListTag) {
        const stop = r.lengthEnd(end);
        const at = r.pos;
        for (const s of this.logSides) values.matchKeyValue(at, stop, s.rules.record, s.recordMatched);
        r.pos = stop;
      } else r.skip(tag % 8, end);
    }
    let bodyRead = false;
    for (const s of this.logSides) {
      const rules = s.rules;
      let own = logRecordGroup(rules);
      if (own && rules.texts !== undefined) own = values.textMatches(rules.texts, textStart, textLength);
      if (own && rules.bodies !== undefined) {
        if (!bodyRead) {
          values.clear();
          if (bodyStart >= 0) values.mergeAnyValue(bodyStart, bodyEnd);
          bodyRead = true;
        }
        // A record without a body has no value to match.
        own = bodyStart >= 0 && rules.bodies.some((b) => values.matches(b));
      }
      if (own) own = severityHolds(rules, severity);
      const groups = this.groups;
      groups.length = 0;
      groups.push(s.resource, outcome(logRecordGroup(rules), own), outcome(rules.record.length > 0, anySet(s.recordMatched, 0, s.recordMatched.length)));
      if (!keptBy(s.include, groups)) return false;
    }
    return true;
  }

  private keepSpan(start: number, end: number): boolean {
    const r = this.reader;
    const values = this.values;
    const sides = this.spanSides;
    const eventHolds = this.eventHolds;
    const linkHolds = this.linkHolds;
    eventHolds[0] = eventHolds[1] = linkHolds[0] = linkHolds[1] = false;
    for (const s of sides) s.recordMatched.fill(0);
    let nameStart = 0;
    let nameLength = 0;
    r.pos = start;
    while (r.pos < end) {
      const tag = r.varint(end);
      if (tag === TAGS.spanName) {
        const stop = r.lengthEnd(end);
        nameStart = r.pos;
        nameLength = stop - r.pos;
        r.pos = stop;
      } else if (tag === this.recordListTag) {
        const stop = r.lengthEnd(end);
        const at = r.pos;
        for (const s of sides) values.matchKeyValue(at, stop, s.rules.attributes, s.recordMatched);
        r.pos = stop;
      } else if (tag === TAGS.events || tag === TAGS.links) {
        const stop = r.lengthEnd(end);
        const isEvent = tag === TAGS.events;
        const at = r.pos;
        for (let i = 0; i < sides.length; i++) {
          const s = sides[i] as Side<SpanRules>;
          const holds = isEvent ? eventHolds : linkHolds;
          if (!holds[i] && (isEvent ? eventGroup(s.rules) : s.rules.links.length > 0)) holds[i] = isEvent ? this.eventMatches(s, at, stop) : this.linkMatches(s, at, stop);
        }
        r.pos = stop;
      } else r.skip(tag % 8, end);
    }
    for (let i = 0; i < sides.length; i++) {
      const s = sides[i] as Side<SpanRules>;
      const rules = s.rules;
      const groups = this.groups;
      groups.length = 0;
      groups.push(
        s.resource,
        outcome(rules.names !== undefined, rules.names !== undefined && values.textMatches(rules.names, nameStart, nameLength)),
        outcome(rules.attributes.length > 0, anySet(s.recordMatched, 0, s.recordMatched.length)),
        outcome(eventGroup(rules), eventHolds[i] as boolean),
        outcome(rules.links.length > 0, linkHolds[i] as boolean),
      );
      if (!keptBy(s.include, groups)) return false;
    }
    return true;
  }

  /** An event [start, end) satisfies the side's event names (its last name) and event attributes (one of them). */
  private eventMatches(s: Side<SpanRules>, start: number, end: number): boolean {
    const r = this.reader;
    const { eventNames, eventAttributes } = s.rules;
    const flags = s.nestedMatched;
    flags.fill(0, 0, eventAttributes.length);
    let nameStart = 0;
    let nameLength = 0;
    r.pos = start;
    while (r.pos < end) {
      const tag = r.varint(end);
      if (tag === TAGS.eventName) {
        const stop = r.lengthEnd(end);
        nameStart = r.pos;
        nameLength = stop - r.pos;
        r.pos = stop;
      } else if (tag === TAGS.eventAttributes) {
        const stop = r.lengthEnd(end);
        this.values.matchKeyValue(r.pos, stop, eventAttributes, flags);
        r.pos = stop;
      } else r.skip(tag % 8, end);
    }
    if (eventNames !== undefined && !this.values.textMatches(eventNames, nameStart, nameLength)) return false;
    return eventAttributes.length === 0 || anySet(flags, 0, eventAttributes.length);
  }

  private linkMatches(s: Side<SpanRules>, start: number, end: number): boolean {
    const offset = s.rules.eventAttributes.length;
    const links = s.rules.links;
    const flags = s.nestedMatched;
    flags.fill(0, offset, offset + links.length);
    const r = this.reader;
    r.pos = start;
    while (r.pos < end) {
      const tag = r.varint(end);
      if (tag !== TAGS.linkAttributes) {
        r.skip(tag % 8, end);
        continue;
      }
      const stop = r.lengthEnd(end);
      this.values.matchKeyValue(r.pos, stop, links, flags, offset);
      r.pos = stop;
    }
    return anySet(flags, offset, offset + links.length);
  }

  private keepMetric(start: number, end: number): boolean {
    const { include, exclude } = this.rules.metrics;
    if (include?.names === undefined && exclude?.names === undefined) return true;
    const r = this.reader;
    let nameStart = 0;
    let nameLength = 0;
    r.pos = start;
    while (r.pos < end) {
      const tag = r.varint(end);
      if (tag === TAGS.metricName) {
        const stop = r.lengthEnd(end);
        nameStart = r.pos;
        nameLength = stop - r.pos;
        r.pos = stop;
      } else r.skip(tag % 8, end);
    }
    if (include?.names !== undefined && !this.values.textMatches(include.names, nameStart, nameLength)) return false;
    return !(exclude?.names !== undefined && this.values.textMatches(exclude.names, nameStart, nameLength));
  }

  /** Data points of the metric [start, end): what the engine counts as its items. */
  private metricPoints(start: number, end: number): number {
    const r = this.reader;
    let points = 0;
    let data = 0;
    r.pos = start;
    while (r.pos < end) {
      const tag = r.varint(end);
      const which = this.dataTags.indexOf(tag);
      if (which < 0) {
        r.skip(tag % 8, end);
        continue;
      }
      // The decoder keeps only the last member of the `data` oneof: then only its points would count.
      if (++data > 1) throw NOT_ON_WIRE;
      const stop = r.lengthEnd(end);
      const pointsTag = this.pointsTags[which] as number;
      this.eachListEntry(r.pos, stop, pointsTag, () => void points++);
      r.pos = stop;
    }
    return points;
  }
}

/** Filters one request of `signal` on the wire; throws NOT_ON_WIRE for a request it does not handle. */
export type WireFilter = (payload: Uint8Array) => FilterOutcome;

export function wireFilter(signal: Signal, rules: FilterRules): WireFilter {
  const walker = new FilterWalker(signal, rules);
  return (payload) => walker.filter(payload);
}
