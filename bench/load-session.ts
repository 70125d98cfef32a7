// One measured session of the rollout bench: a fresh engine and sink, a keep-alive OTLP/HTTP load, throughput sampled in
// fixed buckets, a list of pipeline changes PUT one after the other (none for a baseline), then the books: every record
// the load saw acknowledged must have arrived at the sink exactly once.
import { performance } from 'node:perf_hooks';
import { streamLogs } from '../test/support/otlp-load.js';
import { adminClient } from '../test/support/admin.js';
import type { PipelineStatus } from '../src/state/status-types.js';
import { startLightSink } from './light-sink.js';
import { affinity, cpuSeconds, median, poll, startBenchEngine, threadAffinities } from './support.js';

export const LOAD = { connections: 8, recordsPerRequest: 50 } as const;
export const BUCKET_MS = 250;
export const WARMUP_MS = 1500;
/** Steady load measured before the first change and after each one. */
export const WINDOW_MS = 2000;

export interface PipelineShape {
  cores: number[];
  batchSize: number;
}

export function pipelineSpec(sinkUrl: string, shape: PipelineShape) {
  return {
    policies: { resources: { core_allocation: { type: 'core_set', set: shape.cores.map((c) => ({ start: c, end: c })) } } },
    nodes: {
      ingest: { type: 'receiver:otlp', config: { protocols: { http: { listening_addr: '127.0.0.1:0' } } } },
      batch: { type: 'processor:batch', config: { otlp: { min_size: shape.batchSize, sizer: 'items' }, max_batch_duration: '100ms' } },
      out: { type: 'exporter:otlp_http', config: { endpoint: sinkUrl } },
    },
    connections: [
      { from: 'ingest', to: 'batch' },
      { from: 'batch', to: 'out' },
    ],
  };
}

const yamlOf = (spec: unknown) => `version: otel_dataflow/v1\ngroups:\n  default:\n    pipelines:\n      main: ${JSON.stringify(spec)}\n`;

export interface Bucket {
  /** ms since the load started */
  start: number;
  end: number;
  recordsPerSec: number;
  /** 429/503 answers and other failed requests in this bucket */
  refused: number;
  failed: number;
}

interface Counts {
  acked: number;
  refused: number;
  failed: number;
}

/** Load counters sampled every BUCKET_MS; rates use the real elapsed time, so a late timer does not skew a bucket. */
function sampler(count: () => Counts, origin: number) {
  const samples: Array<{ at: number } & Counts> = [];
  const take = () => samples.push({ at: performance.now() - origin, ...count() });
  take();
  const timer = setInterval(take, BUCKET_MS);
  return {
    stop(): Bucket[] {
      clearInterval(timer);
      take();
      const buckets: Bucket[] = [];
      for (let i = 1; i < samples.length; i++) {
        const a = samples[i - 1]!;
        const b = samples[i]!;
        if (b.at - a.at < BUCKET_MS / 2) continue; // the final partial sample
        buckets.push({
          start: round(a.at),
          end: round(b.at),
          recordsPerSec: Math.round(((b.acked - a.acked) * 1000) / (b.at - a.at)),
          refused: b.refused - a.refused,
          failed: b.failed - a.failed,
        });
      }
      return buckets;
    },
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

export interface WindowStats {
  buckets: number;
  medianRecordsPerSec: number;
  minRecordsPerSec: number;
}

function stats(buckets: Bucket[]): WindowStats {
  const rates = buckets.map((b) => b.recordsPerSec);
  return { buckets: rates.length, medianRecordsPerSec: rates.length ? median(rates) : 0, minRecordsPerSec: rates.length ? Math.min(...rates) : 0 };
}

interface InstanceView {
  coreId: number;
  pid: number | null;
  generation: number;
  phase: string;
}

export interface ChangeResult {
  to: PipelineShape;
  httpStatus: number;
  action: string;
  state: string;
  /** PUT sent → 200 received (wait=true) */
  durationMs: number;
  /** ms since the load started */
  putAt: number;
  answeredAt: number;
  before: WindowStats;
  /** buckets overlapping [PUT, 200] */
  during: WindowStats;
  after: WindowStats;
  /** min bucket during / median bucket before */
  dip: number;
  /**
   * min bucket in the first second after the 200 / median bucket before: a new generation serves with a cold JIT,
   * so part of a replace's dip lands after the PUT returned
   */
  dipAfter: number;
  /** 429/503 answers and failed requests in the buckets overlapping [PUT, 200] */
  refusedDuring: number;
  failedDuring: number;
  instancesBefore: InstanceView[];
  instancesAfter: InstanceView[];
  rolloutCores: unknown;
}

export interface SessionResult {
  start: PipelineShape;
  /** ms from the end of warm-up to the end of the load: the span that was measured */
  measuredMs: number;
  /** every bucket in the measured span (a baseline reads noise from these) */
  measured: WindowStats;
  /** min / median over the measured span */
  noiseRatio: number;
  changes: ChangeResult[];
  acked: number;
  arrived: number;
  /** acked but never arrived */
  lost: number;
  /** extra copies of records that arrived more than once */
  duplicates: number;
  /** arrived though the load never saw them acknowledged (their request failed after the engine admitted it) */
  arrivedUnacked: number;
  /** 429/503 answers the load got */
  refused: number;
  /** requests that failed otherwise: connection refused or reset, timeouts, other statuses */
  failed: number;
  requests: number;
  sinkMalformed: number;
  /** CPU use (% of one core) while the start shape served, before any change */
  cpu: { benchPercent: number; enginePercent: number };
  /** cores the bench's threads and each starting instance's threads may use (taskset lists) */
  pinning: { bench: string; instances: Array<{ coreId: number; threads: string[] }> };
  /** engine log lines at level warn or above */
  engineWarnings: string[];
  buckets: Bucket[];
}

function instances(status: PipelineStatus): InstanceView[] {
  return status.instances
    .map((i) => ({ coreId: i.coreId, pid: i.pid, generation: i.deploymentGeneration, phase: i.phase }))
    .sort((a, b) => a.coreId - b.coreId || a.generation - b.generation);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs one session. `changes` are PUT with wait=true one after the other, each followed by WINDOW_MS of steady load;
 * with no changes the load runs `holdMs` after warm-up (a baseline).
 */
export async function runSession(opts: {
  start: PipelineShape;
  changes: PipelineShape[];
  holdMs?: number;
  engineCpus?: string;
  tag: string;
  /** steady load before the first change and after each (WINDOW_MS unless told) */
  windowMs?: number;
}): Promise<SessionResult> {
  const windowMs = opts.windowMs ?? WINDOW_MS;
  const prefix = `${opts.tag}-${Date.now()}`;
  const sink = await startLightSink(prefix);
  const engine = await startBenchEngine(yamlOf(pipelineSpec(sink.url, opts.start)), ['--log-format', 'json'], opts.engineCpus === undefined ? {} : { cpus: opts.engineCpus });
  const api = adminClient(engine.adminUrl);
  const statusPath = '/groups/default/pipelines/main/status';
  const readStatus = async () => (await api.get(statusPath)).body as PipelineStatus;
  try {
    const ready = await poll(async () => {
      const s = await readStatus();
      return s?.deploymentStatus === 'running' && s.listeners?.[0] ? s : undefined;
    });
    const pinning = {
      bench: affinity().join(','),
      instances: ready.instances.map((i) => ({ coreId: i.coreId, threads: i.pid ? threadAffinities(i.pid) : [] })),
    };
    const origin = performance.now();
    const load = streamLogs(`http://${ready.listeners[0]!.address}`, {
      connections: LOAD.connections,
      perRequest: LOAD.recordsPerRequest,
      prefix,
    });
    const sample = sampler(() => ({ acked: load.result.acked.length, refused: load.result.refused, failed: load.result.errors }), origin);
    const now = () => performance.now() - origin;

    await sleep(WARMUP_MS);
    const warmEnd = now();
    const servingPids = ready.instances.map((i) => i.pid!).filter(Boolean);
    const cpuAt = () => ({ bench: process.cpuUsage(), engine: servingPids.reduce((sum, pid) => sum + cpuSeconds(pid), 0), at: now() });
    const cpu0 = cpuAt();
    await sleep(windowMs);
    const cpu1 = cpuAt();

    const puts: Array<{ to: PipelineShape; putAt: number; answeredAt: number; httpStatus: number; body: any; before: InstanceView[]; after: InstanceView[] }> = [];
    for (const to of opts.changes) {
      const before = instances(await readStatus());
      const putAt = now();
      const res = await api.put('default', 'main', pipelineSpec(sink.url, to), 'wait=true&timeout_secs=60');
      const answeredAt = now();
      const after = instances(await readStatus());
      puts.push({ to, putAt, answeredAt, httpStatus: res.status, body: res.body, before, after });
      await sleep(windowMs);
    }
    if (opts.changes.length === 0) await sleep(Math.max(0, (opts.holdMs ?? windowMs) - windowMs));

    const result = await load.stop();
    const stopAt = now();
    const buckets = sample.stop();
    // Whatever the batch processor and exporter still hold arrives within its 100 ms timeout plus a round trip.
    await sink.quiet(600, 15_000);

    const ackedSet = new Set(result.acked);
    let lost = 0;
    for (const body of result.acked) if (sink.times(body) === 0) lost++;
    let duplicates = 0;
    let arrivedUnacked = 0;
    for (const [body, times] of sink.arrivals()) {
      duplicates += times - 1;
      if (!ackedSet.has(body)) arrivedUnacked++;
    }

    const inside = (from: number, to: number) => buckets.filter((b) => b.start >= from - 1 && b.end <= to + 1);
    const changes: ChangeResult[] = puts.map((p, i) => {
      const beforeFrom = i === 0 ? warmEnd : puts[i - 1]!.answeredAt;
      const afterTo = puts[i + 1]?.putAt ?? stopAt;
      const before = stats(inside(beforeFrom, p.putAt));
      const duringBuckets = buckets.filter((b) => b.end > p.putAt && b.start < p.answeredAt);
      const during = stats(duringBuckets);
      return {
        to: p.to,
        httpStatus: p.httpStatus,
        action: p.body?.action ?? p.body?.details?.rollout?.action ?? '?',
        state: p.body?.state ?? p.body?.details?.rollout?.state ?? p.body?.error_code ?? '?',
        durationMs: Math.round(p.answeredAt - p.putAt),
        putAt: round(p.putAt),
        answeredAt: round(p.answeredAt),
        before,
        during,
        after: stats(inside(p.answeredAt, afterTo)),
        dip: before.medianRecordsPerSec ? during.minRecordsPerSec / before.medianRecordsPerSec : 0,
        dipAfter: before.medianRecordsPerSec
          ? stats(inside(p.answeredAt, Math.min(afterTo, p.answeredAt + 1000 + BUCKET_MS))).minRecordsPerSec / before.medianRecordsPerSec
          : 0,
        refusedDuring: duringBuckets.reduce((n, b) => n + b.refused, 0),
        failedDuring: duringBuckets.reduce((n, b) => n + b.failed, 0),
        instancesBefore: p.before,
        instancesAfter: p.after,
        rolloutCores: p.body?.cores ?? p.body?.details?.rollout?.cores,
      };
    });
    const measured = stats(inside(warmEnd, stopAt));
    const benchCpuSecs = (cpu1.bench.user + cpu1.bench.system - cpu0.bench.user - cpu0.bench.system) / 1e6;
    const spanSecs = (cpu1.at - cpu0.at) / 1000;
    return {
      start: opts.start,
      measuredMs: Math.round(stopAt - warmEnd),
      measured,
      noiseRatio: measured.medianRecordsPerSec ? measured.minRecordsPerSec / measured.medianRecordsPerSec : 0,
      changes,
      acked: result.acked.length,
      arrived: sink.records,
      lost,
      duplicates,
      arrivedUnacked,
      refused: result.refused,
      failed: result.errors,
      requests: result.requests,
      sinkMalformed: sink.malformed,
      cpu: { benchPercent: Math.round((benchCpuSecs / spanSecs) * 100), enginePercent: Math.round(((cpu1.engine - cpu0.engine) / spanSecs) * 100) },
      pinning,
      engineWarnings: warnings(engine.lines.map((l) => l.text)),
      buckets,
    };
  } finally {
    await engine.stop();
    await sink.close();
  }
}

function warnings(lines: string[]): string[] {
  const out: string[] = [];
  for (const text of lines) {
    try {
      const line = JSON.parse(text) as { level?: number | string; msg?: string };
      const level = typeof line.level === 'number' ? line.level : { warn: 40, error: 50, fatal: 60 }[String(line.level)] ?? 0;
      if (level >= 40) out.push(text.length > 400 ? `${text.slice(0, 400)}…` : text);
    } catch {
      // not a log line (console exporter output): not ours to judge
    }
  }
  return out;
}
