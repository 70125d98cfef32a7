// The bodies of `GET /api/v1/telemetry/metrics` other than Prometheus text, in upstream's shapes: `json` (each metric
// with its metadata, what dfctl's `telemetry metrics` decodes), `json_compact` (name → value per metric set, dfctl's
// compact view) and `line_protocol` (InfluxDB line protocol, one line per metric set, millisecond timestamps).
import { tagAttributes, type MetricSetData } from '../state/telemetry-types.js';

export const METRIC_FORMATS = ['json', 'json_compact', 'line_protocol', 'prometheus'] as const;
export type MetricFormat = (typeof METRIC_FORMATS)[number];

/** Upstream leaves out a metric set whose values are all zero, unless asked to keep them. */
export function withoutAllZeroSets(sets: readonly MetricSetData[]): MetricSetData[] {
  return sets.filter((set) => set.metrics.some((metric) => metric.value !== 0));
}

export function verboseMetrics(sets: readonly MetricSetData[], timestamp: string): unknown {
  return {
    timestamp,
    metric_sets: sets.map((set) => ({
      name: set.name,
      brief: set.brief,
      attributes: tagAttributes(set.attributes),
      metrics: set.metrics.map((m) => ({
        name: m.name,
        unit: m.unit,
        brief: m.brief,
        instrument: m.instrument,
        ...(m.temporality ? { temporality: m.temporality } : {}),
        value_type: m.valueType,
        value: m.value,
      })),
    })),
  };
}

export function compactMetrics(sets: readonly MetricSetData[], timestamp: string): unknown {
  return {
    timestamp,
    metric_sets: sets.map((set) => ({
      name: set.name,
      attributes: tagAttributes(set.attributes),
      metrics: Object.fromEntries(set.metrics.map((m) => [m.name, m.value])),
    })),
  };
}

export function lineProtocol(sets: readonly MetricSetData[], timestampMs: number): string {
  let out = '';
  for (const set of sets) {
    if (set.metrics.length === 0) continue;
    const tags = Object.keys(set.attributes)
      .sort()
      .map((key) => `,${escapeKey(key)}=${escapeKey(String(set.attributes[key]))}`)
      .join('');
    const fields = set.metrics.map((m) => `${escapeKey(m.name)}=${m.valueType === 'u64' ? `${Math.round(m.value)}i` : String(m.value)}`).join(',');
    out += `${escapeMeasurement(set.name)}${tags} ${fields} ${timestampMs}\n`;
  }
  return out;
}

function escapeMeasurement(text: string): string {
  return text.replace(/[, ]/g, (c) => `\\${c}`);
}

/** Tag keys, tag values and field keys escape commas, spaces and equals signs. */
function escapeKey(text: string): string {
  return text.replace(/[, =]/g, (c) => `\\${c}`);
}
