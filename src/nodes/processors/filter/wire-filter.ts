// processor:filter on the wire: decides per record (log record, span, metric data point) from its bytes whether it is
// kept, and writes a request of the kept records' bytes as they came, without decoding any. Containers follow the
// decode path's rule: a scope, metric or resource the filter emptied (something dropped, nothing kept) goes too; one
// that came in empty stays. Values are read as protobufjs would decode them: the last `key` of a KeyValue wins, and
// the last member set in its AnyValue (over every `value` field, which the decoder merges). What the walker does not
// handle (a truncated request, a group, a metric with two data fields) throws NOT_ON_WIRE: the caller decodes instead.
import type { Signal } from '../../../pipeline/pdata.js';
import { WireEdit } from '../../../pdata/wire-edit.js';
import { emptyKeyValueFields, readKeyValue } from '../../../pdata/wire-key-value.js';
import { ANY_VALUE, KEY_VALUE, SIGNAL_LAYOUTS, type SignalLayout } from '../../../pdata/wire-layout.js';
import { bytesEqual, NOT_ON_WIRE, WIRE_I64, WIRE_LEN, WIRE_VARINT, WireReader } from '../../../pdata/wire-reader.js';
import type { FilterValue } from './descriptor.js';

/** One `key: value` condition of an include or exclude. */
export interface WireCondition {
  key: string;
  value: FilterValue;
}

export interface WireFilterRules {
  /** Lowest SeverityNumber kept; 0 keeps every severity. */
  minSeverity: number;
  dropUnspecifiedSeverity: boolean;
  include: { record: readonly WireCondition[]; resource: readonly WireCondition[] } | undefined;
  exclude: { record: readonly WireCondition[]; resource: readonly WireCondition[] } | undefined;
}

export interface WireFilterOutcome {
  kept: number;
  dropped: number;
  /** The request of the kept records; only when some were dropped and some kept. */
  payload: Uint8Array | undefined;
}

const lenTag = (field: number): number => field * 8 + WIRE_LEN;

// The member of an AnyValue the decoder ends up with.
const NO_VALUE = 0;
const STRING = 1;
const BOOL = 2;
const INT = 3;
const DOUBLE = 4;
/** array, kvlist or bytes: never equal to a condition's value. */
const OTHER_VALUE = 5;

const STRING_TAG = lenTag(ANY_VALUE.string);
const BOOL_TAG = ANY_VALUE.bool * 8 + WIRE_VARINT;
const INT_TAG = ANY_VALUE.int * 8 + WIRE_VARINT;
const DOUBLE_TAG = ANY_VALUE.double * 8 + WIRE_I64;
const ARRAY_TAG = lenTag(ANY_VALUE.array);
const KVLIST_TAG = lenTag(ANY_VALUE.kvlist);
const BYTES_TAG = lenTag(ANY_VALUE.bytes);
const VALUE_TAG = lenTag(KEY_VALUE.value);

const TWO_63 = 2 ** 63;

/** A condition ready for bytes: its key's UTF-8, and what a value must be to equal it. */
class CompiledCondition {
  readonly key: Uint8Array;
  readonly kind: number;
  readonly text: Uint8Array;
  readonly flag: boolean;
  readonly number: number;
  /** For a number: whether an int_value can equal it, and its int64 halves (signed, as protobufjs' Long holds them). */
  readonly integral: boolean;
  readonly low: number;
  readonly high: number;

  constructor(condition: WireCondition) {
    this.key = new Uint8Array(Buffer.from(condition.key, 'utf8'));
    const want = condition.value;
    this.text = new Uint8Array(Buffer.from(typeof want === 'string' ? want : '', 'utf8'));
    this.flag = want === true;
    this.number = typeof want === 'number' ? want : NaN;
    this.kind = typeof want === 'string' ? STRING : typeof want === 'boolean' ? BOOL : DOUBLE;
    this.integral = typeof want === 'number' && Number.isInteger(want) && want >= -TWO_63 && want < TWO_63;
    if (this.integral) {
      const u = BigInt.asUintN(64, BigInt(want as number));
      this.low = Number(BigInt.asIntN(32, u & 0xffffffffn));
      this.high = Number(BigInt.asIntN(32, u >> 32n));
    } else {
      this.low = 0;
      this.high = 0;
    }
  }
}

class FilterWalker {
  private readonly reader = new WireReader();
  private readonly edit = new WireEdit();
  private readonly resourcesTag: number;
  private readonly resourceTag: number;
  private readonly resourceListTag: number;
  private readonly scopesTag: number;
  private readonly recordsTag: number;
  private readonly recordListTag: number;
  private readonly severityTag: number;
  private readonly dataTags: readonly number[];
  private readonly pointsTags: readonly number[];
  private readonly pointListTags: readonly number[];
  private readonly isMetrics: boolean;
  private readonly isLogs: boolean;
  private readonly minSeverity: number;
  private readonly dropUnspecified: boolean;
  private readonly hasInclude: boolean;
  private readonly hasExclude: boolean;
  private readonly byResource: boolean;
  /** Record conditions, the include's first; `matched` is per record, one flag each. */
  private readonly recordConditions: readonly CompiledCondition[];
  private readonly includeRecordCount: number;
  private readonly resourceConditions: readonly CompiledCondition[];
  private readonly includeResourceCount: number;
  private readonly matched: Uint8Array;
  private readonly kv = emptyKeyValueFields();
  private readonly resourceMatched: Uint8Array;
  // Per resource: what its attributes decide for its records (the decode path's ResourceVerdict).
  private included = true;
  private excludable = false;
  private kept = 0;
  private dropped = 0;
  // The AnyValue read last.
  private valueKind = NO_VALUE;
  private valueStart = 0;
  private valueLength = 0;
  private valueFlag = false;
  private valueLow = 0;
  private valueHigh = 0;
  private valueNumber = 0;

  constructor(signal: Signal, rules: WireFilterRules) {
    const layout: SignalLayout = SIGNAL_LAYOUTS[signal];
    this.resourcesTag = lenTag(layout.resources);
    this.resourceTag = lenTag(layout.resource);
    this.resourceListTag = lenTag(layout.resourceAttributes);
    this.scopesTag = lenTag(layout.scopes);
    this.recordsTag = lenTag(layout.records);
    this.recordListTag = lenTag(layout.recordAttributes);
    this.severityTag = signal === 'logs' ? layout.severity * 8 + WIRE_VARINT : -1;
    this.dataTags = layout.metricData.map((d) => lenTag(d.field));
    this.pointsTags = layout.metricData.map((d) => lenTag(d.points));
    this.pointListTags = layout.metricData.map((d) => lenTag(d.pointAttributes));
    this.isMetrics = signal === 'metrics';
    this.minSeverity = rules.minSeverity;
    this.dropUnspecified = rules.dropUnspecifiedSeverity;
    this.isLogs = signal === 'logs';
    const { include, exclude } = rules;
    this.hasInclude = include !== undefined;
    this.hasExclude = exclude !== undefined;
    const compile = (list: readonly WireCondition[] | undefined) => (list ?? []).map((c) => new CompiledCondition(c));
    const includeRecord = compile(include?.record);
    const includeResource = compile(include?.resource);
    this.recordConditions = [...includeRecord, ...compile(exclude?.record)];
    this.includeRecordCount = includeRecord.length;
    this.resourceConditions = [...includeResource, ...compile(exclude?.resource)];
    this.includeResourceCount = includeResource.length;
    this.byResource = this.resourceConditions.length > 0;
    this.matched = new Uint8Array(this.recordConditions.length);
    this.resourceMatched = new Uint8Array(this.resourceConditions.length);
  }

  filter(payload: Uint8Array): WireFilterOutcome {
    const r = this.reader;
    const edit = this.edit;
    r.reset(payload);
    edit.begin(payload);
    this.kept = 0;
    this.dropped = 0;
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
      const { kept, dropped } = this;
      return { kept, dropped, payload: dropped > 0 && kept > 0 ? edit.finish() : undefined };
    } finally {
      r.release();
      edit.release();
    }
  }

  /**
   * Ends a container opened at the marks: removed when the filter emptied it, kept as it came when nothing in it was
   * dropped, otherwise closed with its new length.
   */
  private closeContainer(mark: number, length: number, tagStart: number, end: number, kept: number, dropped: number): void {
    const edit = this.edit;
    if (this.dropped === dropped) {
      edit.rewind(mark);
      edit.copy(tagStart, end);
    } else if (this.kept === kept) {
      edit.rewind(mark);
    } else {
      edit.closeLength(length);
      edit.commit(mark);
    }
  }

  private resourceItem(tagStart: number, tagEnd: number, start: number, end: number): void {
    const { reader: r, edit } = this;
    const kept = this.kept;
    const dropped = this.dropped;
    this.resourceVerdict(start, end);
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
    this.closeContainer(mark, length, tagStart, end, kept, dropped);
  }

  /** Reads the resource's attributes (every `resource` field: the decoder merges them) into `included`/`excludable`. */
  private resourceVerdict(start: number, end: number): void {
    const conditions = this.resourceConditions;
    if (this.byResource) {
      const r = this.reader;
      this.resourceMatched.fill(0);
      r.pos = start;
      while (r.pos < end) {
        const tag = r.varint(end);
        if (tag !== this.resourceTag) {
          r.skip(tag % 8, end);
          continue;
        }
        const stop = r.lengthEnd(end);
        this.matchList(r.pos, stop, this.resourceListTag, conditions, this.resourceMatched);
        r.pos = stop;
      }
    }
    const matched = this.resourceMatched;
    const split = this.includeResourceCount;
    this.included = !this.hasInclude || allSet(matched, 0, split);
    this.excludable = this.hasExclude && allSet(matched, split, conditions.length);
  }

  private scopeItem(tagStart: number, tagEnd: number, start: number, end: number): void {
    const { reader: r, edit } = this;
    const kept = this.kept;
    const dropped = this.dropped;
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
      const fieldTagEnd = r.pos;
      const stop = r.lengthEnd(end);
      if (this.isMetrics) this.metric(fieldStart, fieldTagEnd, r.pos, stop);
      else this.record(fieldStart, r.pos, stop, this.recordListTag);
      r.pos = stop;
    }
    this.closeContainer(mark, length, tagStart, end, kept, dropped);
  }

  private metric(tagStart: number, tagEnd: number, start: number, end: number): void {
    const { reader: r, edit } = this;
    const kept = this.kept;
    const dropped = this.dropped;
    const mark = edit.mark();
    edit.copy(tagStart, tagEnd);
    const length = edit.openLength();
    let data = 0;
    r.pos = start;
    while (r.pos < end) {
      const fieldStart = r.pos;
      const tag = r.varint(end);
      const which = this.dataTags.indexOf(tag);
      if (which < 0) {
        r.skip(tag % 8, end);
        edit.copy(fieldStart, r.pos);
        continue;
      }
      // The decoder keeps only the last member of the `data` oneof: then only its points would count.
      if (++data > 1) throw NOT_ON_WIRE;
      const fieldTagEnd = r.pos;
      const stop = r.lengthEnd(end);
      this.dataPoints(fieldStart, fieldTagEnd, r.pos, stop, which);
      r.pos = stop;
    }
    this.closeContainer(mark, length, tagStart, end, kept, dropped);
  }

  /** A Gauge, Sum, …: stays, even emptied (its metric goes then); only its points are filtered. */
  private dataPoints(tagStart: number, tagEnd: number, start: number, end: number, which: number): void {
    const { reader: r, edit } = this;
    const dropped = this.dropped;
    const mark = edit.mark();
    edit.copy(tagStart, tagEnd);
    const length = edit.openLength();
    const pointsTag = this.pointsTags[which] as number;
    const listTag = this.pointListTags[which] as number;
    r.pos = start;
    while (r.pos < end) {
      const fieldStart = r.pos;
      const tag = r.varint(end);
      if (tag !== pointsTag) {
        r.skip(tag % 8, end);
        edit.copy(fieldStart, r.pos);
        continue;
      }
      const stop = r.lengthEnd(end);
      this.record(fieldStart, r.pos, stop, listTag);
      r.pos = stop;
    }
    if (this.dropped === dropped) {
      edit.rewind(mark);
      edit.copy(tagStart, end);
    } else {
      edit.closeLength(length);
      edit.commit(mark);
    }
  }

  /** A record's field [fieldStart, end), content from `start`: copied when kept. */
  private record(fieldStart: number, start: number, end: number, listTag: number): void {
    if (this.keeps(start, end, listTag)) {
      this.kept++;
      this.edit.copy(fieldStart, end);
    } else {
      this.dropped++;
    }
  }

  /**
   * The decode path's keepRecord, with its severity rule first. That rule applies to every log record, with or without
   * `min_severity`: a negative severity_number is below the default floor of 0, so it is read in the same pass.
   */
  private keeps(start: number, end: number, listTag: number): boolean {
    if (this.hasInclude && !this.included) return false;
    const byAttributes =
      (this.hasInclude && this.includeRecordCount > 0) || (this.hasExclude && this.excludable && this.recordConditions.length > this.includeRecordCount);
    if (this.isLogs || byAttributes) {
      const r = this.reader;
      const matched = this.matched;
      if (byAttributes) matched.fill(0);
      const severityTag = this.severityTag;
      let severity = 0;
      r.pos = start;
      while (r.pos < end) {
        const tag = r.varint(end);
        if (tag === severityTag) {
          // As the decoder reads an enum: int32 of the varint; the last one wins.
          r.varint64(end);
          severity = r.low;
        } else if (tag === listTag && byAttributes) {
          const stop = r.lengthEnd(end);
          this.matchKeyValue(r.pos, stop, this.recordConditions, matched);
          r.pos = stop;
        } else r.skip(tag % 8, end);
      }
      if (this.isLogs && (severity === 0 ? this.dropUnspecified : severity < this.minSeverity)) return false;
      if (byAttributes) {
        const split = this.includeRecordCount;
        if (this.hasInclude && !allSet(matched, 0, split)) return false;
        return !(this.hasExclude && this.excludable && allSet(matched, split, matched.length));
      }
    }
    // No record condition to read: an exclude whose resource conditions hold drops every record of the resource.
    return !(this.hasExclude && this.excludable);
  }

  /** Flags each condition some KeyValue of the list (field tag `listTag`) of message [start, end) satisfies. */
  private matchList(start: number, end: number, listTag: number, conditions: readonly CompiledCondition[], matched: Uint8Array): void {
    if (conditions.length === 0) return;
    const r = this.reader;
    r.pos = start;
    while (r.pos < end) {
      const tag = r.varint(end);
      if (tag !== listTag) {
        r.skip(tag % 8, end);
        continue;
      }
      const stop = r.lengthEnd(end);
      this.matchKeyValue(r.pos, stop, conditions, matched);
      r.pos = stop;
    }
  }

  private matchKeyValue(start: number, end: number, conditions: readonly CompiledCondition[], matched: Uint8Array): void {
    const r = this.reader;
    const kv = this.kv;
    r.pos = start;
    readKeyValue(r, end, kv);
    // A KeyValue without a value never matches (the decode path tests `kv.value` first).
    if (kv.valueStart < 0) return;
    let valueRead = false;
    for (let c = 0; c < conditions.length; c++) {
      const condition = conditions[c] as CompiledCondition;
      if (matched[c] === 1 || !bytesEqual(r.buf, kv.keyStart, kv.keyLength, condition.key)) continue;
      if (!valueRead) {
        this.readValue(kv.valueStart, end);
        valueRead = true;
      }
      if (this.valueEquals(condition)) matched[c] = 1;
    }
    r.pos = end;
  }

  /** The AnyValue of the `value` fields from `start` to `end` (a KeyValue's end), merged as the decoder does. */
  private readValue(start: number, end: number): void {
    const r = this.reader;
    this.valueKind = NO_VALUE;
    r.pos = start;
    while (r.pos < end) {
      const tag = r.varint(end);
      if (tag !== VALUE_TAG) {
        r.skip(tag % 8, end);
        continue;
      }
      const stop = r.lengthEnd(end);
      while (r.pos < stop) {
        const member = r.varint(stop);
        switch (member) {
          case STRING_TAG: {
            const valueEnd = r.lengthEnd(stop);
            this.valueKind = STRING;
            this.valueStart = r.pos;
            this.valueLength = valueEnd - r.pos;
            r.pos = valueEnd;
            break;
          }
          case BOOL_TAG:
            r.varint64(stop);
            this.valueKind = BOOL;
            this.valueFlag = r.low !== 0;
            break;
          case INT_TAG:
            r.varint64(stop);
            this.valueKind = INT;
            this.valueLow = r.low;
            this.valueHigh = r.high;
            break;
          case DOUBLE_TAG:
            this.valueKind = DOUBLE;
            this.valueNumber = r.double(stop);
            break;
          case ARRAY_TAG:
          case KVLIST_TAG:
          case BYTES_TAG:
            this.valueKind = OTHER_VALUE;
            r.pos = r.lengthEnd(stop);
            break;
          default:
            // Unknown, or a member with the wrong wire type: the decoder keeps it aside and sets no member.
            r.skip(member % 8, stop);
        }
      }
    }
  }

  /** The decode path's valueTest: a string equals strings, a bool bools, a number ints and doubles. */
  private valueEquals(condition: CompiledCondition): boolean {
    switch (condition.kind) {
      case STRING:
        return this.valueKind === STRING && bytesEqual(this.reader.buf, this.valueStart, this.valueLength, condition.text);
      case BOOL:
        return this.valueKind === BOOL && this.valueFlag === condition.flag;
      default:
        if (this.valueKind === DOUBLE) return this.valueNumber === condition.number;
        return this.valueKind === INT && condition.integral && this.valueLow === condition.low && this.valueHigh === condition.high;
    }
  }
}

function allSet(flags: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (flags[i] !== 1) return false;
  return true;
}

/** Filters one request of `signal` on the wire; throws NOT_ON_WIRE for a request it does not handle. */
export type WireFilter = (payload: Uint8Array) => WireFilterOutcome;

export function wireFilter(signal: Signal, rules: WireFilterRules): WireFilter {
  const walker = new FilterWalker(signal, rules);
  return (payload) => walker.filter(payload);
}
