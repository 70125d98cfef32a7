// processor:filter's reference path: decode with protobufjs, decide each record (log record, span, metric) on the
// objects, encode what is left. The byte path (wire-filter.ts) must give the same request; tests compare the two.
import protobuf from 'protobufjs';
import type { PData, Signal } from '../../../pipeline/pdata.js';
import { REQUEST_TYPES } from '../../../pdata/otlp-schema.js';
import {
  eventGroup,
  keptBy,
  logRecordGroup,
  outcome,
  severityHolds,
  textMatches,
  type FilterRules,
  type KeyValueRule,
  type LogRules,
  type SpanRules,
  type ValueRule,
} from './rules.js';

// The parts of a decoded request the filter reads. Unset oneof members still read as their default through the
// prototype, so a value's kind is read from its oneof getter (`value`, `data`).
interface AnyValue {
  readonly value?: string;
  stringValue: string;
  boolValue: boolean;
  intValue: number | { low: number; high: number };
  doubleValue: number;
}
interface KeyValue {
  key: string;
  value: AnyValue | null;
}
interface Attributed {
  attributes: KeyValue[];
}
interface LogRecord extends Attributed {
  severityNumber: number;
  severityText: string;
  body: AnyValue | null;
}
interface Span extends Attributed {
  name: string;
  events: Array<Attributed & { name: string }>;
  links: Attributed[];
}
interface Metric {
  name: string;
  readonly data?: string;
}
type Item = Record<string, unknown> & { resource: Attributed | null };

export function valueMatches(rule: ValueRule, v: AnyValue | null | undefined): boolean {
  if (v == null) return false;
  switch (rule.kind) {
    case 'string':
      return v.value === 'stringValue' && (rule.regex !== undefined ? rule.regex.test(v.stringValue) : v.stringValue === rule.text);
    case 'bool':
      return v.value === 'boolValue' && v.boolValue === rule.flag;
    case 'number': {
      if (v.value === 'doubleValue') return v.doubleValue === rule.number;
      if (v.value !== 'intValue' || !rule.integral) return false;
      const got = v.intValue;
      return typeof got === 'number' ? got === rule.number : got.low === rule.low && got.high === rule.high;
    }
    default:
      return false;
  }
}

const has = (attributes: readonly KeyValue[] | undefined, rule: KeyValueRule): boolean =>
  (attributes ?? []).some((kv) => kv.key === rule.key && valueMatches(rule, kv.value));
const all = (attributes: readonly KeyValue[] | undefined, rules: readonly KeyValueRule[]): boolean => rules.every((r) => has(attributes, r));
const any = (attributes: readonly KeyValue[] | undefined, rules: readonly KeyValueRule[]): boolean => rules.some((r) => has(attributes, r));

function keepLog(record: LogRecord, resource: KeyValue[] | undefined, rules: LogRules | undefined, include: boolean): boolean {
  if (rules === undefined) return true;
  const own =
    logRecordGroup(rules) &&
    (rules.texts === undefined || textMatches(rules.texts, record.severityText)) &&
    (rules.bodies === undefined || rules.bodies.some((b) => valueMatches(b, record.body))) &&
    severityHolds(rules, record.severityNumber);
  return keptBy(include, [
    outcome(rules.resource.length > 0, all(resource, rules.resource)),
    outcome(logRecordGroup(rules), own),
    outcome(rules.record.length > 0, any(record.attributes, rules.record)),
  ]);
}

function keepSpan(span: Span, resource: KeyValue[] | undefined, rules: SpanRules | undefined, include: boolean): boolean {
  if (rules === undefined) return true;
  const { eventNames, eventAttributes } = rules;
  const event = (e: Attributed & { name: string }): boolean =>
    (eventNames === undefined || textMatches(eventNames, e.name)) && (eventAttributes.length === 0 || any(e.attributes, eventAttributes));
  return keptBy(include, [
    outcome(rules.resource.length > 0, all(resource, rules.resource)),
    outcome(rules.names !== undefined, rules.names !== undefined && textMatches(rules.names, span.name)),
    outcome(rules.attributes.length > 0, any(span.attributes, rules.attributes)),
    outcome(eventGroup(rules), (span.events ?? []).some(event)),
    outcome(rules.links.length > 0, (span.links ?? []).some((l) => any(l.attributes, rules.links))),
  ]);
}

function pointsOf(metric: Metric): number {
  const data = metric.data ? (metric as unknown as Record<string, { dataPoints?: unknown[] } | null>)[metric.data] : null;
  return data?.dataPoints?.length ?? 0;
}

interface Tally {
  /** Items (log records, spans, data points) kept and dropped, and records (log records, spans, metrics). */
  kept: number;
  dropped: number;
  keptRecords: number;
  droppedRecords: number;
}

/**
 * Keeps the elements `visit` did not empty: one in which records were dropped and none kept goes; one that came in
 * without records stays as it came.
 */
function prune<T>(list: T[], tally: Tally, visit: (element: T) => void): T[] {
  return list.filter((element) => {
    const kept = tally.keptRecords;
    const dropped = tally.droppedRecords;
    visit(element);
    return !(tally.droppedRecords > dropped && tally.keptRecords === kept);
  });
}

const FIELDS: Record<Signal, [resources: string, scopes: string, records: string]> = {
  logs: ['resourceLogs', 'scopeLogs', 'logRecords'],
  traces: ['resourceSpans', 'scopeSpans', 'spans'],
  metrics: ['resourceMetrics', 'scopeMetrics', 'metrics'],
};

export interface FilterOutcome {
  /** Items kept and dropped. */
  kept: number;
  dropped: number;
  /** The request of the kept records when some were dropped; undefined when none was, or none is left. */
  payload: Uint8Array | undefined;
  /** Records were dropped and none is left: nothing to send. */
  empty: boolean;
}

/** Filters a request the decoded way; throws when it does not decode. */
export function decodeFilter(rules: FilterRules, pdata: PData): FilterOutcome {
  const type = REQUEST_TYPES[pdata.signal];
  const reader = protobuf.Reader.create(pdata.payload);
  // Fields the schema does not know (a newer OTLP) stay in the records kept, as on the byte path.
  reader.discardUnknown = false;
  const request = type.decode(reader) as unknown as Record<string, Item[]>;
  const [resourcesField, scopesField, recordsField] = FIELDS[pdata.signal];
  const tally: Tally = { kept: 0, dropped: 0, keptRecords: 0, droppedRecords: 0 };
  const keep = recordKeeper(rules, pdata.signal);
  const weight = pdata.signal === 'metrics' ? (m: unknown) => pointsOf(m as Metric) : () => 1;
  request[resourcesField] = prune(request[resourcesField] ?? [], tally, (item) => {
    const resource = item.resource?.attributes;
    item[scopesField] = prune((item[scopesField] ?? []) as Array<Record<string, unknown[]>>, tally, (scope) => {
      scope[recordsField] = (scope[recordsField] ?? []).filter((record) => {
        const kept = keep(record, resource);
        if (kept) {
          tally.kept += weight(record);
          tally.keptRecords++;
        } else {
          tally.dropped += weight(record);
          tally.droppedRecords++;
        }
        return kept;
      });
    });
  });
  const { kept, dropped, keptRecords, droppedRecords } = tally;
  if (droppedRecords === 0) return { kept, dropped, payload: undefined, empty: false };
  if (keptRecords === 0) return { kept, dropped, payload: undefined, empty: true };
  return { kept, dropped, payload: type.encode(request).finish(), empty: false };
}

function recordKeeper(rules: FilterRules, signal: Signal): (record: unknown, resource: KeyValue[] | undefined) => boolean {
  switch (signal) {
    case 'logs': {
      const { include, exclude } = rules.logs;
      return (r, res) => keepLog(r as LogRecord, res, include, true) && keepLog(r as LogRecord, res, exclude, false);
    }
    case 'traces': {
      const { include, exclude } = rules.traces;
      return (s, res) => keepSpan(s as Span, res, include, true) && keepSpan(s as Span, res, exclude, false);
    }
    case 'metrics': {
      const { include, exclude } = rules.metrics;
      const matches = (m: Metric, names: typeof include): boolean => names?.names === undefined || textMatches(names.names, m.name);
      return (m) =>
        (include?.names === undefined || matches(m as Metric, include)) && (exclude?.names === undefined || !textMatches(exclude.names, (m as Metric).name));
    }
  }
}
