// The debug processor's `filters`: rules applied in order to what is shown (never to the data passed on). A rule keeps
// (`include`) or drops (`exclude`) the log records, spans and metrics whose attributes hold one of the predicate's
// `{ key, value }` pairs; a metric matches when one of its data points does. Values compare by type and content; a
// number matches an integer or a double of that value (YAML does not tell 1 from 1.0).
import type { AnyValue, KeyValue, LogsRequest, Metric, MetricsRequest, TracesRequest } from '../../exporters/console/otlp-json.js';
import { toDouble } from '../../exporters/console/otlp-json.js';
import type { FilterRule, MatchKeyValue, MatchValue } from './descriptor.js';
import { dataPoints } from './render-normal.js';

function isPairs(value: MatchValue): value is MatchKeyValue[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
}

function sameValue(expected: MatchValue, actual: AnyValue | undefined): boolean {
  if (actual === undefined) return false;
  if (typeof expected === 'string') return actual.stringValue === expected;
  if (typeof expected === 'boolean') return actual.boolValue === expected;
  if (typeof expected === 'number') {
    if (actual.intValue !== undefined) return Number.isInteger(expected) && BigInt(actual.intValue) === BigInt(expected);
    return actual.doubleValue !== undefined && toDouble(actual.doubleValue) === expected;
  }
  if (isPairs(expected)) {
    const values = actual.kvlistValue?.values;
    return values !== undefined && values.length === expected.length && expected.every((e, i) => values[i]?.key === e.key && sameValue(e.value, values[i]?.value));
  }
  const items = actual.arrayValue?.values;
  return items !== undefined && items.length === expected.length && expected.every((e, i) => sameValue(e as MatchValue, items[i]));
}

/** True when the attributes hold one of the predicate's pairs. */
function matches(rule: FilterRule, attributes: readonly KeyValue[] | undefined): boolean {
  const wanted = rule.predicate.value;
  if (!isPairs(wanted) || !attributes) return false;
  return wanted.some((w) => attributes.some((a) => a.key === w.key && sameValue(w.value, a.value)));
}

function metricMatches(rule: FilterRule, metric: Metric): boolean {
  return dataPoints(metric).some((p) => matches(rule, p.attributes));
}

function keep<T>(rule: FilterRule, items: T[] | undefined, test: (item: T) => boolean): T[] {
  return (items ?? []).filter((item) => test(item) === (rule.mode === 'include'));
}

/** Each function returns a filtered copy; the request given is not changed. */
export function filterLogs(rules: readonly FilterRule[], request: LogsRequest): LogsRequest {
  if (rules.length === 0) return request;
  return {
    resourceLogs: (request.resourceLogs ?? []).map((rl) => ({
      ...rl,
      scopeLogs: (rl.scopeLogs ?? []).map((sl) => ({
        ...sl,
        logRecords: rules.reduce((records, rule) => keep(rule, records, (r) => matches(rule, r.attributes)), sl.logRecords ?? []),
      })),
    })),
  };
}

export function filterTraces(rules: readonly FilterRule[], request: TracesRequest): TracesRequest {
  if (rules.length === 0) return request;
  return {
    resourceSpans: (request.resourceSpans ?? []).map((rs) => ({
      ...rs,
      scopeSpans: (rs.scopeSpans ?? []).map((ss) => ({
        ...ss,
        spans: rules.reduce((spans, rule) => keep(rule, spans, (s) => matches(rule, s.attributes)), ss.spans ?? []),
      })),
    })),
  };
}

export function filterMetrics(rules: readonly FilterRule[], request: MetricsRequest): MetricsRequest {
  if (rules.length === 0) return request;
  return {
    resourceMetrics: (request.resourceMetrics ?? []).map((rm) => ({
      ...rm,
      scopeMetrics: (rm.scopeMetrics ?? []).map((sm) => ({
        ...sm,
        metrics: rules.reduce((metrics, rule) => keep(rule, metrics, (m) => metricMatches(rule, m)), sm.metrics ?? []),
      })),
    })),
  };
}
