// receiver:traffic_generator on one core into exporter:noop, as fast as it goes (signals_per_second null, open loop):
// logs per second and CPU per log of the pre-generated strategy (one encoded message replayed) beside the fresh one
// (times and ids rewritten into a copy per message), both measured in the same run. The shape is upstream's own
// sender in its generator bench: synthetic logs with 1 KiB bodies, 50 a message (and pre-generated 512 a message, the shape of
// the OTLP benches). Rates come from the heartbeat counters of the exporter: items it took between two heartbeats, over
// the time between them, so the admin API's polling never lands in the measured span.
import { availableParallelism } from 'node:os';
import type { EngineStatus } from '../src/state/status-types.js';
import { cpuSeconds, median, pinSelf, poll, rssOf, startBenchEngine } from './support.js';

const WARMUP_MS = 2000;
/** At least one heartbeat interval (5 s): the span runs from one heartbeat to a later one. */
const MEASURE_MS = 6000;
const RUNS = 3;
/**
 * A rate no core reaches, sent in open mode (each second's batches as fast as downstream takes them). With
 * signals_per_second null, upstream's generator (and so ours) sends at most 1024 batches a second, a ceiling of
 * 51,200 logs/s at 50 a message: below what is measured here.
 */
const CEILING = 4_000_000;

export type Strategy = 'pre_generated' | 'fresh';

export interface GeneratorScenario {
  strategy: Strategy;
  batch: number;
}

export interface GeneratorResult extends GeneratorScenario {
  logsPerSec: number;
  /** CPU of the instance per log (µs): user + system time over the measured span. */
  cpuMicrosPerLog: number;
  /** Share of one core the instance used. */
  cpuShare: number;
  rssBytes: number;
  runs: number[];
}

const config = ({ strategy, batch }: GeneratorScenario, core: number) => `
version: otel_dataflow/v1
policies:
  resources: { core_allocation: { type: core_set, set: [{ start: ${core}, end: ${core} }] } }
groups:
  default:
    pipelines:
      main:
        nodes:
          gen:
            type: receiver:traffic_generator
            config:
              data_source: synthetic
              generation_strategy: ${strategy}
              traffic_config: { signals_per_second: ${CEILING}, production_mode: open, max_batch_size: ${batch}, metric_weight: 0, trace_weight: 0, log_weight: 1, log_body_size_bytes: 1024 }
          out: { type: exporter:noop }
        connections:
          - { from: gen, to: out }
`;

interface Reading {
  at: number;
  items: number;
}

async function reading(adminUrl: string, after: number): Promise<Reading & { pid: number }> {
  return poll(async () => {
    const s = (await (await fetch(`${adminUrl}/api/v1/status`)).json()) as EngineStatus;
    const instance = s.pipelines['default:main']?.instances[0];
    const at = instance?.status.lastHeartbeatTime ? Date.parse(instance.status.lastHeartbeatTime) : 0;
    if (!instance?.pid || at <= after) return undefined;
    return { at, items: instance.nodes?.['out']?.itemsReceived ?? 0, pid: instance.pid };
  }, 30_000, 50);
}

async function once(scenario: GeneratorScenario, core: number, cpus: string | undefined): Promise<{ rate: number; cpu: number; share: number; rss: number }> {
  const engine = await startBenchEngine(config(scenario, core), [], cpus === undefined ? {} : { cpus });
  try {
    const first = await reading(engine.adminUrl, 0);
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    const start = await reading(engine.adminUrl, first.at);
    const cpu0 = cpuSeconds(start.pid);
    const wall0 = performance.now();
    await new Promise((r) => setTimeout(r, MEASURE_MS));
    const end = await reading(engine.adminUrl, start.at + MEASURE_MS - 500);
    const cpu = cpuSeconds(start.pid) - cpu0;
    const wall = (performance.now() - wall0) / 1000;
    const logs = end.items - start.items;
    const rate = logs / ((end.at - start.at) / 1000);
    return { rate, cpu: (cpu / ((logs * wall * 1000) / (end.at - start.at))) * 1e6, share: cpu / wall, rss: rssOf(start.pid) };
  } finally {
    await engine.stop();
  }
}

export const GENERATOR_SCENARIOS: GeneratorScenario[] = [
  { strategy: 'pre_generated', batch: 50 },
  { strategy: 'fresh', batch: 50 },
  { strategy: 'pre_generated', batch: 512 },
];

/** Runs the scenarios interleaved (run r of each before run r+1 of any), so that the machine's mood hits them alike. */
export async function benchGenerator(scenarios = GENERATOR_SCENARIOS): Promise<{ pinned: boolean; results: GeneratorResult[] }> {
  const pinned = availableParallelism() >= 2;
  // With 2 cores: the instance on core 0, this process (polling) on core 1; the supervisor may use both.
  const restore = pinned ? pinSelf([1]) : () => undefined;
  const samples = scenarios.map(() => [] as Array<{ rate: number; cpu: number; share: number; rss: number }>);
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const [i, scenario] of scenarios.entries()) samples[i]!.push(await once(scenario, 0, pinned ? '0,1' : undefined));
    }
  } finally {
    restore();
  }
  const results = scenarios.map((scenario, i) => {
    const s = samples[i]!;
    return {
      ...scenario,
      logsPerSec: Math.round(median(s.map((x) => x.rate))),
      cpuMicrosPerLog: Number(median(s.map((x) => x.cpu)).toFixed(3)),
      cpuShare: Number(median(s.map((x) => x.share)).toFixed(2)),
      rssBytes: median(s.map((x) => x.rss)),
      runs: s.map((x) => Math.round(x.rate)),
    };
  });
  return { pinned, results };
}

const k = (n: number) => `${(n / 1000).toFixed(0)}k`;

/** Table rows: each pre-generated figure beside the fresh one of the same batch size (same run). */
export function generatorRows({ results }: { results: GeneratorResult[] }): string[][] {
  return results
    .filter((r) => r.strategy === 'pre_generated')
    .map((pre) => {
      const fresh = results.find((r) => r.strategy === 'fresh' && r.batch === pre.batch);
      const base = fresh ? `fresh ${k(fresh.logsPerSec)} logs/s, ${fresh.cpuMicrosPerLog} µs/log` : '—';
      const ratio = fresh ? `${(pre.logsPerSec / fresh.logsPerSec).toFixed(2)}x` : '—';
      return [`traffic_generator pre_generated → noop`, `1 core, ${pre.batch} logs × 1 KiB a message`, `${k(pre.logsPerSec)} logs/s, ${pre.cpuMicrosPerLog} µs/log, ${Math.round(pre.cpuShare * 100)} % core`, base, ratio];
    });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchGenerator();
  console.log(JSON.stringify(result, null, 2));
  for (const row of generatorRows(result)) console.log(`| ${row.join(' | ')} |`);
}
