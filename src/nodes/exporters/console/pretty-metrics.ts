// `pretty` metrics: one line per resource, scope, metric, aggregation, data point, and (deeper) exemplar, bucket or
// quantile, each indented by its depth in the tree. Fields are `name=value`; attributes close the line in [].
// Histograms are compact by default (count, sum, avg, min, max and approximate percentiles) or raw (every bucket).
import { toDouble } from './otlp-json.js';
import type { Exemplar, ExponentialHistogramDataPoint, HistogramDataPoint, KeyValue, Metric, MetricsRequest, NumberDataPoint } from './otlp-json.js';
import { explicitPercentiles, exponentialPercentiles, PERCENTILES, type Estimates } from './percentiles.js';
import type { TreeChars } from './pretty-logs.js';
import { attributesText, type Style } from './text.js';

export type HistogramMode = 'compact' | 'raw';

const TEMPORALITY = ['unspecified', 'delta', 'cumulative'];

/** A number as it reads best: integers without a decimal point, others as short as exact. */
function num(value: number | string | undefined): string {
  const n = toDouble(value);
  return n === undefined ? '' : String(n);
}

function field(name: string, value: string | number | undefined): string {
  return value === undefined || value === '' ? '' : ` ${name}=${value}`;
}

function times(p: { startTimeUnixNano?: string; timeUnixNano?: string }): string {
  return ` start_time_unix_nano=${p.startTimeUnixNano ?? '0'} time_unix_nano=${p.timeUnixNano ?? '0'}`;
}

function value(p: { asDouble?: number | string; asInt?: string }): string {
  if (p.asInt !== undefined) return ` value_int=${p.asInt}`;
  if (p.asDouble !== undefined) return ` value_double=${num(p.asDouble)}`;
  return ' value=none';
}

/** count, sum, the statistics of the histogram mode, min, max and flags of a histogram data point. */
function histogramFields(p: HistogramDataPoint | ExponentialHistogramDataPoint, shape: string, stats: string): string {
  return `${times(p)} count=${p.count ?? '0'}${shape}${field('sum', num(p.sum))}${stats}${field('min', num(p.min))}${field('max', num(p.max))}${flags(p)}`;
}

function flags(p: { flags?: number }): string {
  return p.flags ? ` flags=${p.flags}` : '';
}

function average(sum: number | string | undefined, count: string | undefined): string {
  const n = Number(count ?? '0');
  const s = toDouble(sum);
  return s === undefined || n === 0 ? '' : ` avg=${s / n}`;
}

function percentiles(estimates: Estimates): string {
  return estimates.map((e, i) => (e === undefined ? '' : ` p${PERCENTILES[i]}~=${e}`)).join('');
}

export class PrettyMetrics {
  private out = '';

  constructor(
    private readonly style: Style,
    private readonly tree: TreeChars,
    private readonly histogram: HistogramMode,
  ) {}

  render(request: MetricsRequest): string {
    this.out = '';
    for (const rm of request.resourceMetrics ?? []) {
      this.line(0, 'RESOURCE', field('schema_url', rm.schemaUrl), rm.resource?.attributes);
      for (const sm of rm.scopeMetrics ?? []) {
        this.line(1, 'SCOPE', field('name', sm.scope?.name) + field('version', sm.scope?.version) + field('schema_url', sm.schemaUrl), sm.scope?.attributes);
        for (const metric of sm.metrics ?? []) this.metric(metric);
      }
    }
    return this.out;
  }

  private metric(m: Metric): void {
    this.line(2, 'METRIC', ` name=${m.name ?? ''}${field('description', m.description)}${field('unit', m.unit)}`, m.metadata);
    if (m.gauge) {
      this.line(3, 'GAUGE', '');
      for (const p of m.gauge.dataPoints ?? []) this.numberPoint(p);
    } else if (m.sum) {
      this.line(3, 'SUM', ` temporality=${TEMPORALITY[m.sum.aggregationTemporality ?? 0] ?? 'unspecified'} monotonic=${m.sum.isMonotonic ?? false}`);
      for (const p of m.sum.dataPoints ?? []) this.numberPoint(p);
    } else if (m.histogram) {
      this.line(3, 'HISTOGRAM', ` temporality=${TEMPORALITY[m.histogram.aggregationTemporality ?? 0] ?? 'unspecified'}`);
      for (const p of m.histogram.dataPoints ?? []) this.histogramPoint(p);
    } else if (m.exponentialHistogram) {
      this.line(3, 'EXPONENTIAL_HISTOGRAM', ` temporality=${TEMPORALITY[m.exponentialHistogram.aggregationTemporality ?? 0] ?? 'unspecified'}`);
      for (const p of m.exponentialHistogram.dataPoints ?? []) this.exponentialPoint(p);
    } else if (m.summary) {
      this.line(3, 'SUMMARY', '');
      for (const p of m.summary.dataPoints ?? []) {
        this.line(4, 'DATA_POINT', `${times(p)} count=${p.count ?? '0'} sum=${num(p.sum ?? 0)}${flags(p)}`, p.attributes);
        for (const q of p.quantileValues ?? []) this.line(5, 'QUANTILE', ` quantile=${num(q.quantile ?? 0)} value=${num(q.value ?? 0)}`);
      }
    } else {
      this.line(3, 'EMPTY', '');
    }
  }

  private numberPoint(p: NumberDataPoint): void {
    this.line(4, 'DATA_POINT', `${times(p)}${value(p)}${flags(p)}`, p.attributes);
    this.exemplars(p.exemplars);
  }

  private histogramPoint(p: HistogramDataPoint): void {
    const compact = this.histogram === 'compact';
    const stats = compact ? average(p.sum, p.count) + percentiles(explicitPercentiles(p)) : '';
    this.line(4, 'DATA_POINT', histogramFields(p, '', stats), p.attributes);
    if (!compact) {
      (p.explicitBounds ?? []).forEach((b, i) => this.line(5, 'EXPLICIT_BOUND', ` index=${i} value=${num(b)}`));
      (p.bucketCounts ?? []).forEach((c, i) => this.line(5, 'BUCKET_COUNT', ` index=${i} count=${c}`));
    }
    this.exemplars(p.exemplars);
  }

  private exponentialPoint(p: ExponentialHistogramDataPoint): void {
    const compact = this.histogram === 'compact';
    const shape = compact ? '' : ` scale=${p.scale ?? 0} zero_count=${p.zeroCount ?? '0'} zero_threshold=${num(p.zeroThreshold ?? 0)}`;
    const stats = compact ? average(p.sum, p.count) + percentiles(exponentialPercentiles(p)) : '';
    this.line(4, 'DATA_POINT', histogramFields(p, shape, stats), p.attributes);
    if (!compact) {
      for (const [label, buckets] of [['POS_BUCKET', p.positive], ['NEG_BUCKET', p.negative]] as const) {
        if (buckets === undefined) continue;
        const offset = buckets.offset ?? 0;
        (buckets.bucketCounts ?? []).forEach((c, i) => this.line(5, label, ` offset=${offset} bucket_index=${offset + i} count=${c}`));
      }
    }
    this.exemplars(p.exemplars);
  }

  private exemplars(exemplars: readonly Exemplar[] | undefined): void {
    for (const e of exemplars ?? []) {
      this.line(5, 'EXEMPLAR', ` time_unix_nano=${e.timeUnixNano ?? '0'}${value(e)}${field('span_id', e.spanId)}${field('trace_id', e.traceId)}`, e.filteredAttributes);
    }
  }

  private line(depth: number, label: string, fields: string, attributes?: readonly KeyValue[]): void {
    const prefix = `${`${this.tree.vertical} `.repeat(depth)}${depth > 0 ? `${this.tree.tee} ` : ''}`;
    this.out += `${prefix}${this.style('green', label)}${fields}${attributesText(attributes)}\n`;
  }
}
