// processor:filter on the wire: decides each record (log record, span, metric) from its bytes with the rules of
// rules.ts; the walker (pdata/wire-walk.ts) writes a request of the kept records' bytes as they came, without decoding
// any, and leaves out a scope or resource whose records were all dropped (one that came in empty stays), as the decode
// path does. What the byte path does not handle (a truncated request, a group, a field given twice that the decoder
// would merge: two bodies, two metric data fields) throws NOT_ON_WIRE, and the caller decodes instead.
import type { Signal } from '../../../pipeline/pdata.js';
import { fieldId, SIGNAL_LAYOUTS } from '../../../pdata/wire-layout.js';
import { lenTag, NOT_ON_WIRE, WIRE_VARINT } from '../../../pdata/wire-reader.js';
import { FIELD, KeepingVisitor, LEVEL, WireWalk, type FieldOutcome } from '../../../pdata/wire-walk.js';
import type { FilterOutcome } from './decode.js';
import { eventGroup, keptBy, logRecordGroup, NONE, outcome, severityHolds, type FilterRules, type GroupOutcome, type KeyValueRule, type LogRules, type SpanRules } from './rules.js';
import { allSet, anySet, WireValues } from './wire-values.js';

const { KEEP, DROP } = FIELD;
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

class FilterVisitor extends KeepingVisitor {
  override readonly levels: number;
  private readonly walk: WireWalk;
  private readonly values: WireValues;
  private readonly recordListTag: number;
  private readonly logSides: ReadonlyArray<Side<LogRules>>;
  private readonly spanSides: ReadonlyArray<Side<SpanRules>>;
  /** The sides whose resource groups are read: the log or span sides, none for metrics. */
  private readonly resourceSides: ReadonlyArray<Side<{ resource: KeyValueRule[] }>>;
  private readonly groups: GroupOutcome[] = [];
  /** Per side (include, exclude): whether some event, some link of the span being read matched. */
  private readonly eventHolds = [false, false];
  private readonly linkHolds = [false, false];
  /** Items (log records, spans, data points) kept and dropped in the request being filtered. */
  private kept = 0;
  private dropped = 0;

  constructor(
    private readonly signal: Signal,
    private readonly rules: FilterRules,
  ) {
    super();
    const layout = SIGNAL_LAYOUTS[signal];
    this.walk = new WireWalk(layout);
    this.values = new WireValues(this.walk.reader);
    this.recordListTag = lenTag(layout.recordAttributes);
    const logs = rules.logs;
    this.logSides = [side(true, logs.include, (r) => r.record, () => []), side(false, logs.exclude, (r) => r.record, () => [])].filter((s) => s !== undefined);
    const traces = rules.traces;
    const spanSide = (include: boolean, r: SpanRules | undefined) => side(include, r, (x) => x.attributes, (x) => [...x.eventAttributes, ...x.links]);
    this.spanSides = [spanSide(true, traces.include), spanSide(false, traces.exclude)].filter((s) => s !== undefined);
    this.resourceSides = signal === 'logs' ? this.logSides : signal === 'traces' ? this.spanSides : [];
    // Without resource rules every side's resource group is NONE: the resources need not be read.
    const resourceRules = this.resourceSides.some((s) => s.rules.resource.length > 0);
    this.levels = LEVEL.RECORDS | (resourceRules ? LEVEL.RESOURCE_ATTRIBUTES : 0);
  }

  filter(payload: Uint8Array): FilterOutcome {
    this.values.setInput(payload);
    this.kept = this.dropped = 0;
    for (const s of this.resourceSides) s.resourceMatched.fill(0);
    try {
      const out = this.walk.walk(payload, this);
      const { kept, dropped } = this;
      if (this.walk.droppedRecords === 0) return { kept, dropped, payload: undefined, empty: false };
      if (this.walk.keptRecords === 0) return { kept, dropped, payload: undefined, empty: true };
      return { kept, dropped, payload: out, empty: false };
    } finally {
      this.values.setInput(new Uint8Array(0));
    }
  }

  override resourceAttribute(start: number, end: number): void {
    for (const s of this.resourceSides) this.values.matchKeyValue(start, end, s.rules.resource, s.resourceMatched);
  }

  /** Each side's resource group: every rule found in the resource's attributes. */
  override resourceRead(): void {
    for (const s of this.resourceSides) {
      s.resource = outcome(s.rules.resource.length > 0, allSet(s.resourceMatched, 0, s.resourceMatched.length));
      s.resourceMatched.fill(0);
    }
  }

  override record(_fieldStart: number, _tagEnd: number, start: number, end: number): FieldOutcome {
    let items = 1;
    let keep: boolean;
    if (this.signal === 'logs') keep = this.keepLog(start, end);
    else if (this.signal === 'traces') keep = this.keepSpan(start, end);
    else {
      items = this.walk.metricPoints(start, end);
      keep = this.keepMetric(start, end);
    }
    if (keep) this.kept += items;
    else this.dropped += items;
    return keep ? KEEP : DROP;
  }

  private keepLog(start: number, end: number): boolean {
    const r = this.walk.reader;
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
    const r = this.walk.reader;
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
    const r = this.walk.reader;
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
    const walk = this.walk;
    for (let at = start; (at = walk.nextField(TAGS.linkAttributes, at, end)) >= 0; ) {
      const stop = walk.fieldEnd;
      this.values.matchKeyValue(at, stop, links, flags, offset);
      at = stop;
    }
    return anySet(flags, offset, offset + links.length);
  }

  private keepMetric(start: number, end: number): boolean {
    const { include, exclude } = this.rules.metrics;
    if (include?.names === undefined && exclude?.names === undefined) return true;
    // The last name counts, as the decoder reads a string given twice.
    let nameStart = 0;
    let nameLength = 0;
    const walk = this.walk;
    for (let at = start; (at = walk.nextField(TAGS.metricName, at, end)) >= 0; at = walk.fieldEnd) {
      nameStart = at;
      nameLength = walk.fieldEnd - at;
    }
    if (include?.names !== undefined && !this.values.textMatches(include.names, nameStart, nameLength)) return false;
    return !(exclude?.names !== undefined && this.values.textMatches(exclude.names, nameStart, nameLength));
  }
}

/** Filters one request of `signal` on the wire; throws NOT_ON_WIRE for a request it does not handle. */
export type WireFilter = (payload: Uint8Array) => FilterOutcome;

export function wireFilter(signal: Signal, rules: FilterRules): WireFilter {
  const visitor = new FilterVisitor(signal, rules);
  return (payload) => visitor.filter(payload);
}
