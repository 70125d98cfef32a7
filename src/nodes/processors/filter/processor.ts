// processor:filter: drops telemetry. A whole signal is dropped without looking inside; otherwise the request is looked
// into only for a signal the config can drop something from, and rewritten only when something was dropped, so a
// filter that lets everything through costs nothing and one that drops nothing from a message hands on the original
// bytes. Looking inside happens on the wire (wire-filter.ts: the kept records' bytes are copied, none is decoded); a
// request the byte path does not handle is decoded with protobufjs instead, which gives the same result.
// Records are log records, spans and metric data points; a scope, metric or resource the filter emptied goes with them,
// and a request left with no record is not sent on at all.
import protobuf from 'protobufjs';
import type { NodeContext, NodeInstance, Processor } from '../../../pipeline/node.js';
import type { PData, Signal } from '../../../pipeline/pdata.js';
import { REQUEST_TYPES } from '../../../pdata/otlp-schema.js';
import type { FilterMatch, FilterProcessorConfig, FilterValue } from './descriptor.js';
import { SEVERITY_LEVELS } from './severity.js';
import { NotOnWire } from '../../../pdata/wire-reader.js';
import { wireFilter, type WireFilter, type WireFilterOutcome, type WireFilterRules } from './wire-filter.js';

// The parts of a decoded request (protobufjs message objects) the filter reads or replaces. Unset oneof members still
// read as their default through the prototype, so a value's kind is read from its oneof getter (`value`, `data`).
interface LongBits {
  low: number;
  high: number;
}
interface AnyValue {
  readonly value?: string;
  stringValue: string;
  boolValue: boolean;
  intValue: number | LongBits;
  doubleValue: number;
}
interface KeyValue {
  key: string;
  value: AnyValue | null;
}
interface Attributed {
  attributes: KeyValue[];
}
interface Resourced {
  resource: Attributed | null;
}
interface LogRecord extends Attributed {
  severityNumber: number;
}
interface LogsRequest {
  resourceLogs: Array<Resourced & { scopeLogs: Array<{ logRecords: LogRecord[] }> }>;
}
interface TracesRequest {
  resourceSpans: Array<Resourced & { scopeSpans: Array<{ spans: Attributed[] }> }>;
}
interface Metric {
  /** Which of gauge, sum, histogram, exponentialHistogram, summary is set. */
  readonly data?: string;
}
interface MetricsRequest {
  resourceMetrics: Array<Resourced & { scopeMetrics: Array<{ metrics: Metric[] }> }>;
}

type ValueTest = (value: AnyValue) => boolean;
interface Condition {
  key: string;
  /** As configured: what the wire path compares with. */
  value: FilterValue;
  /** The same comparison on a decoded value. */
  test: ValueTest;
}
interface CompiledMatch {
  record: Condition[];
  resource: Condition[];
}

export interface FilterSettings {
  /** false: the signal is dropped whole. */
  keep: Record<Signal, boolean>;
  /** Lowest SeverityNumber kept; 0 keeps every severity. */
  minSeverity: number;
  dropUnspecifiedSeverity: boolean;
  include: CompiledMatch | undefined;
  exclude: CompiledMatch | undefined;
}

export interface FilterStats {
  /** Items (log records, spans, data points) this node dropped on purpose, since it was created. */
  filtered: number;
  bySignal: Record<Signal, number>;
}

/** What the filter does with a message of a signal: nothing, drop it, or look inside. */
type Plan = 'pass' | 'drop' | 'inspect';

/**
 * How a message is looked into: on the wire with a fallback to decoding (the default), or only one way. `wire` throws
 * NotOnWire for a request the byte path does not handle; both it and `decode` exist to compare the two paths.
 */
export type FilterPath = 'auto' | 'wire' | 'decode';

export function filterSettings(config: Partial<FilterProcessorConfig>): FilterSettings {
  const signals = config.signals;
  const minSeverityName = config.logs?.min_severity;
  return {
    keep: { logs: signals?.logs ?? true, traces: signals?.traces ?? true, metrics: signals?.metrics ?? true },
    minSeverity: minSeverityName === undefined ? 0 : SEVERITY_LEVELS[minSeverityName],
    dropUnspecifiedSeverity: config.logs?.drop_unspecified_severity ?? false,
    include: compileMatch(config.include),
    exclude: compileMatch(config.exclude),
  };
}

function compileMatch(match: FilterMatch | undefined): CompiledMatch | undefined {
  const record = (match?.attributes ?? []).map((a) => ({ key: a.key, value: a.value, test: valueTest(a.value) }));
  const resource = (match?.resource_attributes ?? []).map((a) => ({ key: a.key, value: a.value, test: valueTest(a.value) }));
  // The schema requires a condition; an empty match here would select everything, so it is treated as absent.
  return record.length + resource.length > 0 ? { record, resource } : undefined;
}

const TWO_63 = 2 ** 63;

/** A string matches string values, a bool bool values, a number int and double values equal to it. */
function valueTest(want: FilterValue): ValueTest {
  if (typeof want === 'string') return (v) => v.value === 'stringValue' && v.stringValue === want;
  if (typeof want === 'boolean') return (v) => v.value === 'boolValue' && v.boolValue === want;
  const bits = Number.isInteger(want) && want >= -TWO_63 && want < TWO_63 ? int64Bits(want) : undefined;
  return (v) => {
    if (v.value === 'doubleValue') return v.doubleValue === want;
    if (v.value !== 'intValue' || bits === undefined) return false;
    const got = v.intValue;
    return typeof got === 'number' ? got === want : got.low === bits.low && got.high === bits.high;
  };
}

/** The two signed 32-bit halves of an int64, as protobufjs' Long holds them. */
function int64Bits(n: number): LongBits {
  const u = BigInt.asUintN(64, BigInt(n));
  return { low: Number(BigInt.asIntN(32, u & 0xffffffffn)), high: Number(BigInt.asIntN(32, u >> 32n)) };
}

function matchesAll(conditions: readonly Condition[], attributes: readonly KeyValue[] | undefined): boolean {
  for (const condition of conditions) if (!hasAttribute(attributes, condition)) return false;
  return true;
}

function hasAttribute(attributes: readonly KeyValue[] | undefined, condition: Condition): boolean {
  if (attributes === undefined) return false;
  for (const kv of attributes) if (kv.key === condition.key && kv.value && condition.test(kv.value)) return true;
  return false;
}

interface Tally {
  kept: number;
  dropped: number;
}

/** What a resource's attributes decide for all of its records. */
interface ResourceVerdict {
  /** The include's resource conditions hold (true when there is no include). */
  included: boolean;
  /** The exclude's resource conditions hold, so its record conditions decide (false when there is no exclude). */
  excludable: boolean;
}

/**
 * Visits each element and keeps it unless the filter emptied it (something in it was dropped, nothing kept). An
 * element that had no records to begin with is left as it came.
 */
function prune<T>(list: T[], tally: Tally, visit: (element: T) => void): T[] {
  const out: T[] = [];
  for (const element of list) {
    const kept = tally.kept;
    const dropped = tally.dropped;
    visit(element);
    if (tally.kept === kept && tally.dropped !== dropped) continue;
    out.push(element);
  }
  return out;
}

function keepRecords<T>(list: T[], tally: Tally, keep: (record: T) => boolean): T[] {
  const out: T[] = [];
  for (const record of list) {
    if (keep(record)) {
      out.push(record);
      tally.kept++;
    } else {
      tally.dropped++;
    }
  }
  return out;
}

export class FilterProcessor implements Processor {
  private readonly plans: Record<Signal, Plan>;
  private readonly counts: Record<Signal, number> = { logs: 0, traces: 0, metrics: 0 };
  private readonly wire: Record<Signal, WireFilter> | undefined;

  constructor(
    private readonly settings: FilterSettings,
    private readonly path: FilterPath = 'auto',
  ) {
    const { keep, include, exclude, minSeverity, dropUnspecifiedSeverity } = settings;
    const byRecord = include !== undefined || exclude !== undefined;
    const plan = (signal: Signal, more = false): Plan => (!keep[signal] ? 'drop' : byRecord || more ? 'inspect' : 'pass');
    this.plans = {
      logs: plan('logs', minSeverity > 0 || dropUnspecifiedSeverity),
      traces: plan('traces'),
      metrics: plan('metrics'),
    };
    const rules: WireFilterRules = { minSeverity, dropUnspecifiedSeverity, include, exclude };
    this.wire =
      path === 'decode' ? undefined : { logs: wireFilter('logs', rules), traces: wireFilter('traces', rules), metrics: wireFilter('metrics', rules) };
  }

  /**
   * Items dropped on purpose. The runtime's counters (received, sent, refused, dropped, failed) have no place for
   * them and a NodeContext has no way to report them, so they are kept here.
   */
  stats(): FilterStats {
    const { logs, traces, metrics } = this.counts;
    return { filtered: logs + traces + metrics, bySignal: { logs, traces, metrics } };
  }

  process(pdata: PData, ctx: NodeContext): Promise<void> | void {
    switch (this.plans[pdata.signal]) {
      case 'pass':
        return ctx.emit(pdata);
      case 'drop':
        this.counts[pdata.signal] += pdata.items;
        return;
      case 'inspect': {
        const out = this.inspect(pdata);
        return out === undefined ? undefined : ctx.emit(out);
      }
    }
  }

  /** The message to send on (`pdata` itself when nothing was dropped), or undefined when nothing is left. */
  private inspect(pdata: PData): PData | undefined {
    if (this.wire !== undefined) {
      let outcome: WireFilterOutcome | undefined;
      try {
        outcome = this.wire[pdata.signal](pdata.payload);
      } catch (error) {
        if (!(error instanceof NotOnWire) || this.path === 'wire') throw error;
      }
      if (outcome !== undefined) {
        if (outcome.dropped === 0) return pdata;
        this.counts[pdata.signal] += outcome.dropped;
        if (outcome.payload === undefined) return undefined;
        return { ...pdata, payload: outcome.payload, items: outcome.kept };
      }
    }
    return this.inspectDecoded(pdata);
  }

  /** The reference path: decode with protobufjs, filter the objects, encode what is left. */
  private inspectDecoded(pdata: PData): PData | undefined {
    const type = REQUEST_TYPES[pdata.signal];
    let request: unknown;
    try {
      const reader = protobuf.Reader.create(pdata.payload);
      // Fields the schema does not know (a newer OTLP) stay in the records kept, as on the wire path. Per reader, not
      // protobufjs's global default: other decoders in the process keep theirs.
      reader.discardUnknown = false;
      request = type.decode(reader);
    } catch (error) {
      // Thrown: the runtime counts the items as failed and reports it.
      throw new Error(`processor:filter: cannot decode the ${pdata.signal} request: ${(error as Error).message}`);
    }
    const tally: Tally = { kept: 0, dropped: 0 };
    if (pdata.signal === 'logs') this.filterLogs(request as LogsRequest, tally);
    else if (pdata.signal === 'traces') this.filterTraces(request as TracesRequest, tally);
    else this.filterMetrics(request as MetricsRequest, tally);
    if (tally.dropped === 0) return pdata;
    this.counts[pdata.signal] += tally.dropped;
    if (tally.kept === 0) return undefined;
    return { ...pdata, payload: type.encode(request as Record<string, unknown>).finish(), items: tally.kept };
  }

  private filterLogs(request: LogsRequest, tally: Tally): void {
    const { minSeverity, dropUnspecifiedSeverity } = this.settings;
    request.resourceLogs = prune(request.resourceLogs, tally, (rl) => {
      const verdict = this.verdict(rl);
      rl.scopeLogs = prune(rl.scopeLogs, tally, (sl) => {
        sl.logRecords = keepRecords(sl.logRecords, tally, (record) => {
          const severity = record.severityNumber;
          if (severity === 0 ? dropUnspecifiedSeverity : severity < minSeverity) return false;
          return this.keepRecord(record, verdict);
        });
      });
    });
  }

  private filterTraces(request: TracesRequest, tally: Tally): void {
    request.resourceSpans = prune(request.resourceSpans, tally, (rs) => {
      const verdict = this.verdict(rs);
      rs.scopeSpans = prune(rs.scopeSpans, tally, (ss) => {
        ss.spans = keepRecords(ss.spans, tally, (span) => this.keepRecord(span, verdict));
      });
    });
  }

  private filterMetrics(request: MetricsRequest, tally: Tally): void {
    request.resourceMetrics = prune(request.resourceMetrics, tally, (rm) => {
      const verdict = this.verdict(rm);
      rm.scopeMetrics = prune(rm.scopeMetrics, tally, (sm) => {
        sm.metrics = prune(sm.metrics, tally, (metric) => {
          const data = metric.data ? (metric as unknown as Record<string, { dataPoints: Attributed[] } | null>)[metric.data] : null;
          if (data) data.dataPoints = keepRecords(data.dataPoints, tally, (point) => this.keepRecord(point, verdict));
        });
      });
    });
  }

  private verdict(container: Resourced): ResourceVerdict {
    const { include, exclude } = this.settings;
    const attributes = container.resource?.attributes;
    return {
      included: include === undefined || matchesAll(include.resource, attributes),
      excludable: exclude !== undefined && matchesAll(exclude.resource, attributes),
    };
  }

  private keepRecord(record: Attributed, verdict: ResourceVerdict): boolean {
    const { include, exclude } = this.settings;
    if (include !== undefined && !(verdict.included && matchesAll(include.record, record.attributes))) return false;
    if (exclude !== undefined && verdict.excludable && matchesAll(exclude.record, record.attributes)) return false;
    return true;
  }
}

export function createFilterProcessor(_name: string, config: Record<string, unknown>): NodeInstance {
  return { kind: 'processor', node: new FilterProcessor(filterSettings(config as Partial<FilterProcessorConfig>)) };
}
