// The engine's metrics as one snapshot for the observability pipeline. Three metric sets, as upstream groups them:
// - `engine` (upstream's names): memory.rss and cpu.utilization of the whole engine, supervisor and instances;
// - `pipeline` (upstream's names), one per running instance with upstream's entity attributes: cpu.utilization and
//   memory.rss of that instance's process;
// - `otap_engine`: every family of GET /api/v1/metrics under the same names, read from the same registry, with
//   upstream's attribute keys (group → pipeline.group.id, ...). Counters are cumulative sums since the engine started.
import os from 'node:os';
import type { Registry } from 'prom-client';
import type { Attributes, HistogramPoint, MetricData, MetricScope, MetricSnapshot, NumberPoint, SummaryPoint } from '../../ipc/telemetry.js';
import type { CounterLedger } from '../counter-ledger.js';
import type { ProcessStats } from '../process-stats.js';

export interface SnapshotSources {
  registry: Registry;
  ledger: CounterLedger;
  stats: ProcessStats;
  startTimeMs: number;
}

/** Prometheus label → upstream's attribute key; numbers where upstream's are numbers. */
const ATTRIBUTE_KEYS: Readonly<Record<string, { key: string; numeric?: boolean }>> = {
  group: { key: 'pipeline.group.id' },
  pipeline: { key: 'pipeline.id' },
  core: { key: 'core.id', numeric: true },
  generation: { key: 'deployment.generation', numeric: true },
  node: { key: 'node.id' },
};

export class MetricSnapshots {
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();

  constructor(private readonly sources: SnapshotSources) {}

  async take(): Promise<MetricSnapshot> {
    const families = await this.sources.registry.getMetricsAsJSON();
    const timeUnixMs = Date.now();
    return {
      timeUnixMs,
      startTimeUnixMs: this.sources.startTimeMs,
      scopes: [...this.processScopes(), { name: 'otap_engine', attributes: {}, metrics: families.map(fromFamily).filter((m) => m !== undefined) }],
    };
  }

  private processScopes(): MetricScope[] {
    const { ledger, stats } = this.sources;
    const instances = [...ledger.liveInstances()].filter((instance) => instance.pid !== null && instance.phase === 'running');
    const pipelines: MetricScope[] = instances.map((instance) => {
      const { group, pipeline, core, generation } = instance.spec;
      const sample = stats.get(instance.pid);
      return {
        name: 'pipeline',
        attributes: { 'pipeline.group.id': group, 'pipeline.id': pipeline, 'core.id': core, 'deployment.generation': generation },
        metrics: [
          gauge('cpu.utilization', 'CPU used by the pipeline instance, a ratio of one core.', '1', sample.cpuPercent / 100),
          gauge('memory.rss', 'Resident memory of the pipeline instance process.', 'By', sample.rssBytes, true),
        ],
      };
    });
    const instanceRss = instances.reduce((sum, instance) => sum + stats.get(instance.pid).rssBytes, 0);
    const instanceCpu = instances.reduce((sum, instance) => sum + stats.get(instance.pid).cpuPercent / 100, 0);
    const engine: MetricScope = {
      name: 'engine',
      attributes: {},
      metrics: [
        gauge('memory.rss', 'Resident memory of the engine: the supervisor and every instance.', 'By', process.memoryUsage.rss() + instanceRss, true),
        gauge('cpu.utilization', 'CPU used by the engine (supervisor and instances), a ratio of all the machine\'s cores.', '1', (this.supervisorCpu() + instanceCpu) / Math.max(1, os.cpus().length)),
      ],
    };
    return [engine, ...pipelines];
  }

  /** The supervisor's CPU since the previous snapshot, in cores. */
  private supervisorCpu(): number {
    const now = performance.now();
    const used = process.cpuUsage(this.lastCpu);
    const elapsedUs = (now - this.lastAt) * 1000;
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
    return elapsedUs > 0 ? (used.user + used.system) / elapsedUs : 0;
  }
}

function gauge(name: string, description: string, unit: string, value: number, integer = false): MetricData {
  return { name, description, unit, kind: 'gauge', points: [{ attributes: {}, value: integer ? Math.round(value) : value, integer }] };
}

interface PromValue {
  value: number;
  labels: Record<string, string | number | undefined>;
  metricName?: string;
}

interface PromFamily {
  name: string;
  help: string;
  type: unknown;
  values: PromValue[];
}

function fromFamily(raw: unknown): MetricData | undefined {
  const family = raw as PromFamily;
  const head = { name: family.name, description: family.help, unit: unitOf(family.name) };
  switch (String(family.type)) {
    case 'counter':
      return { ...head, kind: 'sum', monotonic: true, points: family.values.map(numberPoint) };
    case 'gauge':
      return { ...head, kind: 'gauge', points: family.values.map(numberPoint) };
    case 'histogram':
      return { ...head, kind: 'histogram', points: histogramPoints(family) };
    case 'summary':
      return { ...head, kind: 'summary', points: summaryPoints(family) };
    default:
      return undefined;
  }
}

function unitOf(name: string): string {
  if (/_seconds(_total)?$/.test(name)) return 's';
  if (/_bytes(_total)?$/.test(name)) return 'By';
  return '';
}

function attributes(labels: PromValue['labels'], without?: string): Attributes {
  const out: Attributes = {};
  for (const [label, value] of Object.entries(labels)) {
    if (label === without || value === undefined) continue;
    const mapped = ATTRIBUTE_KEYS[label];
    const numeric = mapped?.numeric && Number.isFinite(Number(value));
    out[mapped?.key ?? label] = numeric ? Number(value) : typeof value === 'number' ? value : String(value);
  }
  return out;
}

function numberPoint(value: PromValue): NumberPoint {
  return { attributes: attributes(value.labels), value: value.value };
}

/** One point per label set: `_bucket` values (cumulative, by `le`), `_sum` and `_count`. */
function histogramPoints(family: PromFamily): HistogramPoint[] {
  const byLabels = new Map<string, { attributes: Attributes; buckets: Array<[number, number]>; sum: number; count: number }>();
  for (const value of family.values) {
    const attrs = attributes(value.labels, 'le');
    const key = JSON.stringify(attrs);
    let entry = byLabels.get(key);
    if (!entry) byLabels.set(key, (entry = { attributes: attrs, buckets: [], sum: 0, count: 0 }));
    const suffix = value.metricName?.slice(family.name.length);
    if (suffix === '_sum') entry.sum = value.value;
    else if (suffix === '_count') entry.count = value.value;
    else if (suffix === '_bucket') {
      const le = Number(value.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : value.labels.le);
      if (Number.isFinite(le)) entry.buckets.push([le, value.value]);
    }
  }
  return [...byLabels.values()].map(({ attributes: attrs, buckets, sum, count }) => {
    buckets.sort((a, b) => a[0] - b[0]);
    const counts: number[] = [];
    let below = 0;
    for (const [, cumulative] of buckets) {
      counts.push(Math.max(0, cumulative - below));
      below = cumulative;
    }
    counts.push(Math.max(0, count - below));
    return { attributes: attrs, count, sum, bounds: buckets.map(([le]) => le), counts };
  });
}

function summaryPoints(family: PromFamily): SummaryPoint[] {
  const byLabels = new Map<string, SummaryPoint>();
  for (const value of family.values) {
    const attrs = attributes(value.labels, 'quantile');
    const key = JSON.stringify(attrs);
    let point = byLabels.get(key);
    if (!point) byLabels.set(key, (point = { attributes: attrs, count: 0, sum: 0, quantiles: [] }));
    const suffix = value.metricName?.slice(family.name.length);
    if (suffix === '_sum') point.sum = value.value;
    else if (suffix === '_count') point.count = value.value;
    else if (value.labels.quantile !== undefined) point.quantiles.push({ quantile: Number(value.labels.quantile), value: value.value });
  }
  return [...byLabels.values()];
}
