// Collects metrics of one scrape and encodes them as one ExportMetricsServiceRequest: one resource (the host), one
// scope (this receiver), semconv's schema URL on both. Sums are cumulative; a metric that got no point is left out.
import { ExportMetricsServiceRequest } from '../../../pdata/otlp-schema.js';
import type { PData } from '../../../pipeline/pdata.js';
import { SEMCONV_SCHEMA_URL } from './semconv.js';

const CUMULATIVE = 2;

export type AttrValue = string | number;
/** Attribute key and value; a number is written as an integer. */
export type Attrs = ReadonlyArray<readonly [string, AttrValue]>;
type NumberKind = 'int' | 'double';

interface Point {
  attributes: unknown[];
  startTimeUnixNano?: Fixed64;
  timeUnixNano: Fixed64;
  asInt?: number;
  asDouble?: number;
}

interface MetricEntry {
  name: string;
  unit: string;
  kind: NumberKind;
  shape: { type: 'gauge' } | { type: 'sum'; monotonic: boolean };
  points: Point[];
}

/** The {low, high} form protobufjs writes for a 64-bit field, exact for any bigint (a number is not, above 2^53). */
interface Fixed64 {
  low: number;
  high: number;
  unsigned: boolean;
}
function fixed64(ns: bigint): Fixed64 {
  return { low: Number(ns & 0xffffffffn) | 0, high: Number((ns >> 32n) & 0xffffffffn) | 0, unsigned: true };
}

function attributes(attrs: Attrs): unknown[] {
  return attrs.map(([key, value]) => ({
    key,
    value: typeof value === 'string' ? { stringValue: value } : { intValue: Math.trunc(value) },
  }));
}

export class Metric {
  constructor(
    private readonly entry: MetricEntry,
    private readonly timeNs: Fixed64,
  ) {}

  /** One data point; `startNs` is required for sums and ignored for gauges. */
  point(value: number, attrs: Attrs = [], startNs?: bigint): this {
    const p: Point = { attributes: attributes(attrs), timeUnixNano: this.timeNs };
    if (this.entry.shape.type === 'sum' && startNs !== undefined) p.startTimeUnixNano = fixed64(startNs);
    if (this.entry.kind === 'int') p.asInt = Math.round(value);
    else p.asDouble = value;
    this.entry.points.push(p);
    return this;
  }
}

export interface ScopeInfo {
  name: string;
  version: string;
}

export class MetricsBuilder {
  private readonly metrics: MetricEntry[] = [];
  private readonly time: Fixed64;

  constructor(readonly nowNs: bigint) {
    this.time = fixed64(nowNs);
  }

  /** A monotonic cumulative sum: an OpenTelemetry Counter. */
  counter(name: string, unit: string, kind: NumberKind): Metric {
    return this.add(name, unit, kind, { type: 'sum', monotonic: true });
  }

  /** A non-monotonic cumulative sum: an UpDownCounter. */
  upDown(name: string, unit: string, kind: NumberKind): Metric {
    return this.add(name, unit, kind, { type: 'sum', monotonic: false });
  }

  gauge(name: string, unit: string, kind: NumberKind): Metric {
    return this.add(name, unit, kind, { type: 'gauge' });
  }

  /** Data points so far. */
  get points(): number {
    return this.metrics.reduce((n, m) => n + m.points.length, 0);
  }

  encode(resource: Attrs, scope: ScopeInfo): PData {
    const metrics = this.metrics
      .filter((m) => m.points.length > 0)
      .map((m) => ({
        name: m.name,
        unit: m.unit,
        ...(m.shape.type === 'gauge'
          ? { gauge: { dataPoints: m.points } }
          : { sum: { dataPoints: m.points, aggregationTemporality: CUMULATIVE, isMonotonic: m.shape.monotonic } }),
      }));
    const request = {
      resourceMetrics: [
        {
          resource: { attributes: attributes(resource) },
          scopeMetrics: [{ scope: { name: scope.name, version: scope.version }, metrics, schemaUrl: SEMCONV_SCHEMA_URL }],
          schemaUrl: SEMCONV_SCHEMA_URL,
        },
      ],
    };
    return { signal: 'metrics', payload: ExportMetricsServiceRequest.encode(request).finish(), items: this.points };
  }

  private add(name: string, unit: string, kind: NumberKind, shape: MetricEntry['shape']): Metric {
    const entry: MetricEntry = { name, unit, kind, shape, points: [] };
    this.metrics.push(entry);
    return new Metric(entry, this.time);
  }
}
