// The engine's metrics as upstream's admin API groups them (`GET /api/v1/telemetry/metrics?format=json`): metric sets,
// each a name and the attributes of the entity it describes, holding that entity's metrics. Built from the same
// snapshot the observability pipeline gets (metric-snapshot.ts): the `engine` and `pipeline` sets with upstream's
// metric names, and `otap_engine`, every family of GET /api/v1/metrics, one set per label set. Histograms and summaries
// have no faithful upstream value (upstream's distributions carry min and max, which Prometheus histograms do not
// keep): each is shown as two counters, `<name>_count` and `<name>_sum`.
import type { Attributes, MetricData, MetricScope, MetricSnapshot, NumberPoint } from '../../ipc/telemetry.js';
import type { AttributeScalar, MetricPoint, MetricSetData } from '../../state/telemetry-types.js';

const BRIEFS: Readonly<Record<string, string>> = {
  engine: 'The whole engine: the supervisor and every instance.',
  pipeline: 'One running instance of a pipeline (group, pipeline, core, generation).',
  otap_engine: 'The series of GET /api/v1/metrics, one metric set per label set.',
};

export function metricSets(snapshot: MetricSnapshot): MetricSetData[] {
  const sets = new Map<string, MetricSetData>();
  for (const scope of snapshot.scopes) {
    for (const metric of scope.metrics) {
      for (const { attributes, point } of points(metric)) {
        // JSON has no NaN or Infinity (a gauge with no sample yet): such a value is left out, not shown as null.
        if (!Number.isFinite(point.value)) continue;
        const merged = scalars({ ...scope.attributes, ...attributes });
        const key = `${scope.name}\u0000${JSON.stringify(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)))}`;
        let set = sets.get(key);
        if (!set) sets.set(key, (set = { name: scope.name, brief: briefOf(scope), attributes: merged, metrics: [] }));
        set.metrics.push(point);
      }
    }
  }
  return [...sets.values()];
}

function briefOf(scope: MetricScope): string {
  return BRIEFS[scope.name] ?? '';
}

function* points(metric: MetricData): Generator<{ attributes: Attributes; point: MetricPoint }> {
  const head = { unit: metric.unit, brief: metric.description };
  switch (metric.kind) {
    case 'sum':
    case 'gauge': {
      const instrument = metric.kind === 'sum' ? 'counter' : 'gauge';
      for (const p of metric.points) {
        yield {
          attributes: p.attributes,
          point: {
            name: metric.name,
            ...head,
            instrument,
            ...(instrument === 'counter' ? { temporality: 'cumulative' as const } : {}),
            valueType: valueType(instrument, metric.unit, p),
            value: p.value,
          },
        };
      }
      return;
    }
    case 'histogram':
    case 'summary':
      for (const p of metric.points) {
        const counter = { ...head, instrument: 'counter' as const, temporality: 'cumulative' as const };
        yield { attributes: p.attributes, point: { ...counter, name: `${metric.name}_count`, unit: '1', valueType: 'u64', value: p.count } };
        yield { attributes: p.attributes, point: { ...counter, name: `${metric.name}_sum`, valueType: 'f64', value: p.sum } };
      }
      return;
  }
}

/**
 * Decided by the metric, not by the value at hand, so that a metric keeps its type from one read to the next: what
 * the snapshot says, else a counter of anything but time is a u64 and a gauge an f64 unless it measures bytes.
 */
function valueType(instrument: 'counter' | 'gauge', unit: string, point: NumberPoint): 'u64' | 'f64' {
  if (!Number.isSafeInteger(point.value) || point.value < 0) return 'f64';
  if (point.integer !== undefined) return point.integer ? 'u64' : 'f64';
  return (instrument === 'counter' && unit !== 's') || unit === 'By' ? 'u64' : 'f64';
}

/** Upstream's entity attributes are scalars; a list (only resource attributes have them) becomes its JSON text. */
function scalars(attributes: Attributes): Record<string, AttributeScalar> {
  const out: Record<string, AttributeScalar> = {};
  for (const [key, value] of Object.entries(attributes)) out[key] = Array.isArray(value) ? JSON.stringify(value) : (value as AttributeScalar);
  return out;
}
