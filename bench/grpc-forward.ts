// gRPC forwarding bench, in the shape of upstream's published figures: OTLP/gRPC logs with gzip into receiver:otlp
// (`wait_for_result: true`), forwarded by exporter:otlp_grpc to a backend engine (receiver:otlp → exporter:noop), each
// call answered only once the backend acknowledged it. A second row has processor:attribute renaming one attribute on
// the way. The baseline, run before and after in the same run with the same load: a bare node:http2 server that
// reads and discards each request and answers a gRPC OK (bench/grpc-bare.ts).
//
// Placement (2 cores or more): the engine under test (supervisor under `taskset -c 0`, pipeline `core_set {0}`) and the
// bare server on core 0; the load generator (bench/grpc-load.ts: one pre-encoded, pre-gzipped request of 512 records,
// 4 connections × 8 calls in flight), the backend engine and this process on core 1. With one core, all share it.
//
// Runnable on its own: `npm run build && node --import tsx bench/grpc-forward.ts`; `BENCH_ONLY=grpc npm run bench`
// runs it from bench/run.ts. Writes bench/results/grpc-forward.json and prints a markdown table. Knobs:
// GRPC_BENCH_SECONDS (10), GRPC_BENCH_WARMUP_SECONDS (3), GRPC_BENCH_ONLY (scenario ids), GRPC_BENCH_CONNECTIONS (4),
// GRPC_BENCH_STREAMS (8), GRPC_BENCH_MAX_IN_FLIGHT (the exporter's, 5 as upstream's default), and THROUGHPUT_CPU_PROF=<dir> to profile the engine under test (see bench/throughput.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BARE_GRPC_SERVER_SOURCE } from './grpc-bare.js';
import type { GrpcLoadConfig, GrpcLoadReport } from './grpc-load.js';
import { baselineDrift, cpuSeconds, rssOf, runScenarios, startBenchEngine, threadAffinities } from './support.js';
import { RECORDS_PER_REQUEST, RENAME } from './throughput-payloads.js';
import { coreBusy, coreTimes, engineTarget, peakRss, startBare, startBenchEngineMaybeProfiled, startLoad, type Target } from './throughput.js';

const LOAD_ENTRY = fileURLToPath(new URL('./grpc-load.ts', import.meta.url));
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

const envNumber = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

const SETTINGS = {
  connections: envNumber('GRPC_BENCH_CONNECTIONS', 4),
  streamsPerConnection: envNumber('GRPC_BENCH_STREAMS', 8),
  warmupMs: envNumber('GRPC_BENCH_WARMUP_SECONDS', 3) * 1000,
  measureMs: envNumber('GRPC_BENCH_SECONDS', 10) * 1000,
  /** exporter:otlp_grpc's max_in_flight in the engine under test; upstream's default (5) unless told. */
  maxInFlight: envNumber('GRPC_BENCH_MAX_IN_FLIGHT', 5),
  rssSampleMs: 100,
};

/** Issue #14, target 1; upstream's published figures for the same shape, beside them. */
export const GRPC_TARGETS = {
  forwardLogsPerSec: 516_000,
  renameLogsPerSec: 300_000,
  /** Target 3: the instance's mean RSS under the forward load, as a multiple of the bare server's in the same run. */
  rssRatioToBare: 1.2,
  upstream: { forwardLogsPerSec: '360–516 K', renameLogsPerSec: '273 K', rssMiB: '23–26' },
};

interface Scenario {
  id: string;
  label: string;
  /** undefined: the bare node:http2 baseline */
  engine?: { rename: boolean };
}

const SCENARIOS: Scenario[] = [
  { id: 'bare-before', label: 'bare node:http2, before' },
  { id: 'forward', label: 'otlp (gRPC, gzip, wait_for_result) → otlp_grpc → backend', engine: { rename: false } },
  { id: 'forward-rename', label: 'otlp (gRPC, gzip, wait_for_result) → attribute (rename) → otlp_grpc → backend', engine: { rename: true } },
  { id: 'bare-after', label: 'bare node:http2, after' },
];

const yamlOf = (core: number, spec: { nodes: Record<string, unknown>; connections: Array<{ from: string; to: string }> }) =>
  `version: otel_dataflow/v1\ngroups:\n  default:\n    pipelines:\n      main: ${JSON.stringify({
    policies: { resources: { core_allocation: { type: 'core_set', set: [{ start: core, end: core }] } } },
    ...spec,
  })}\n`;

function backendYaml(core: number): string {
  return yamlOf(core, {
    nodes: {
      ingest: { type: 'receiver:otlp', config: { protocols: { grpc: { listening_addr: '127.0.0.1:0' } } } },
      out: { type: 'exporter:noop' },
    },
    connections: [{ from: 'ingest', to: 'out' }],
  });
}

function engineYaml(core: number, backendPort: number, rename: boolean): string {
  const nodes: Record<string, unknown> = {
    ingest: { type: 'receiver:otlp', config: { protocols: { grpc: { listening_addr: '127.0.0.1:0', wait_for_result: true } } } },
    out: { type: 'exporter:otlp_grpc', config: { grpc_endpoint: `http://127.0.0.1:${backendPort}`, max_in_flight: SETTINGS.maxInFlight } },
  };
  const connections = [];
  if (rename) {
    nodes['work'] = { type: 'processor:attribute', config: { actions: [{ action: 'rename', ...RENAME }] } };
    connections.push({ from: 'ingest', to: 'work' }, { from: 'work', to: 'out' });
  } else {
    connections.push({ from: 'ingest', to: 'out' });
  }
  return yamlOf(core, { nodes, connections });
}

export interface GrpcScenarioResult {
  id: string;
  label: string;
  engine: boolean;
  load: GrpcLoadReport;
  /** the engine instance under test, or the bare server */
  /**
   * RSS of the engine instance or bare server: sampled every `rssSampleMs` over the measured span (an instance's RSS
   * is a saw-tooth between its full collections, a bare server's is flat, so the mean is the figure to compare), at the
   * end of it, and its peak (VmHWM).
   */
  server: { pid: number; cpuPercent: number; cpuMicrosPerRecord: number; rssMeanBytes: number; rssEndBytes: number; rssMaxSampledBytes: number; rssPeakBytes: number; threadAffinity: string[] };
  supervisor?: { cpuPercent: number; rssEndBytes: number };
  backend?: { cpuPercent: number; rssEndBytes: number; threadAffinity: string[] };
  coreBusyPercent: Record<string, number>;
  engineWarnings: string[];
  ratioToBare?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runScenario(scenario: Scenario, placement: { engine?: string; other?: string; otherCore: number }): Promise<GrpcScenarioResult> {
  const stops: Array<() => Promise<void>> = [];
  try {
    let backend: Target | undefined;
    let target: Target;
    if (scenario.engine) {
      backend = await engineTarget(await startBenchEngine(backendYaml(placement.otherCore), ['--log-format', 'json'], placement.other === undefined ? {} : { cpus: placement.other }));
      stops.push(backend.stop);
      target = await engineTarget(await startBenchEngineMaybeProfiled(engineYaml(placement.engine === undefined ? 0 : Number(placement.engine), backend.port, scenario.engine.rename), placement.engine));
    } else {
      target = await startBare(placement.engine, BARE_GRPC_SERVER_SOURCE);
    }
    stops.unshift(target.stop);
    const config: GrpcLoadConfig = { host: target.host, port: target.port, connections: SETTINGS.connections, streamsPerConnection: SETTINGS.streamsPerConnection };
    const load = startLoad<GrpcLoadReport>(config, placement.other, LOAD_ENTRY);
    stops.unshift(async () => void load.child.kill());
    await load.ready;
    load.send('go');
    await sleep(SETTINGS.warmupMs);
    const at0 = performance.now();
    const cpu0 = { server: cpuSeconds(target.pid), sup: target.supervisorPid ? cpuSeconds(target.supervisorPid) : 0, backend: backend ? cpuSeconds(backend.pid) : 0 };
    const cores0 = coreTimes();
    load.send('mark');
    const rssSamples: number[] = [];
    const sampler = setInterval(() => rssSamples.push(rssOf(target.pid)), SETTINGS.rssSampleMs);
    await sleep(SETTINGS.measureMs);
    load.send('stop');
    const span = (performance.now() - at0) / 1000;
    const serverCpu = cpuSeconds(target.pid) - cpu0.server;
    const supCpu = target.supervisorPid ? cpuSeconds(target.supervisorPid) - cpu0.sup : 0;
    const backendCpu = backend ? cpuSeconds(backend.pid) - cpu0.backend : 0;
    const coreBusyPercent = coreBusy(cores0, coreTimes());
    clearInterval(sampler);
    const rssEnd = rssOf(target.pid);
    const report = await load.result;
    const records = report.okCalls * RECORDS_PER_REQUEST;
    return {
      id: scenario.id,
      label: scenario.label,
      engine: scenario.engine !== undefined,
      load: report,
      server: {
        pid: target.pid,
        cpuPercent: Math.round((serverCpu / span) * 100),
        cpuMicrosPerRecord: records ? Math.round(((serverCpu * 1e6) / records) * 100) / 100 : 0,
        rssMeanBytes: Math.round(rssSamples.concat(rssEnd).reduce((a, b) => a + b, 0) / (rssSamples.length + 1)),
        rssEndBytes: rssEnd,
        rssMaxSampledBytes: Math.max(rssEnd, ...rssSamples),
        rssPeakBytes: peakRss(target.pid),
        threadAffinity: threadAffinities(target.pid),
      },
      ...(target.supervisorPid ? { supervisor: { cpuPercent: Math.round((supCpu / span) * 100), rssEndBytes: rssOf(target.supervisorPid) } } : {}),
      ...(backend ? { backend: { cpuPercent: Math.round((backendCpu / span) * 100), rssEndBytes: rssOf(backend.pid), threadAffinity: threadAffinities(backend.pid) } } : {}),
      coreBusyPercent,
      engineWarnings: target.warnings(),
    };
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
  }
}

export interface GrpcBenchResult {
  measuredAt: string;
  node: string;
  cores: number;
  pinned: boolean;
  loadavgBefore: number[];
  loadavgAfter: number[];
  settings: typeof SETTINGS & { recordsPerRequest: number };
  targets: typeof GRPC_TARGETS;
  scenarios: GrpcScenarioResult[];
  failures: Array<{ id: string; error: string }>;
}

export async function benchGrpcForward(only?: string[]): Promise<GrpcBenchResult> {
  const cores = availableParallelism();
  const pin = cores >= 2;
  const placement = pin ? { engine: '0', other: '1', otherCore: 1 } : { otherCore: 0 };
  const loadavgBefore = loadavg();
  const { results: scenarios, failures } = await runScenarios('grpc', SCENARIOS, only, pin ? 1 : undefined, (scenario) => runScenario(scenario, placement));
  const bare = scenarios.filter((s) => !s.engine).map((s) => s.load.recordsPerSec);
  const mean = bare.length ? bare.reduce((a, b) => a + b, 0) / bare.length : 0;
  if (mean > 0) for (const s of scenarios) s.ratioToBare = Math.round((s.load.recordsPerSec / mean) * 1000) / 1000;
  return {
    measuredAt: new Date().toISOString(),
    node: process.version,
    cores,
    pinned: pin,
    loadavgBefore,
    loadavgAfter: loadavg(),
    settings: { ...SETTINGS, recordsPerRequest: RECORDS_PER_REQUEST },
    targets: GRPC_TARGETS,
    scenarios,
    failures,
  };
}

const MiB = (b: number) => (b / 1024 / 1024).toFixed(1);
const thousands = (n: number) => n.toLocaleString('en-US');

export function grpcTable(result: GrpcBenchResult): string {
  const header = ['pipeline', 'logs/s', 'ratio to bare', 'p50', 'p99', 'engine CPU %', 'CPU µs/record', 'RSS MiB: mean, end (peak)', 'errors', 'backend CPU %', 'load CPU %', 'core 0 / 1 busy %'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const s of result.scenarios) {
    const errors = Object.entries(s.load.statuses).map(([code, n]) => `${n}× status ${code}`).concat(s.load.errors ? [`${s.load.errors} resets`] : []);
    lines.push(
      `| ${[
        s.label,
        thousands(s.load.recordsPerSec),
        s.ratioToBare?.toFixed(3) ?? '—',
        `${s.load.latencyMs.p50.toFixed(1)} ms`,
        `${s.load.latencyMs.p99.toFixed(1)} ms`,
        String(s.server.cpuPercent),
        s.server.cpuMicrosPerRecord.toFixed(2),
        `${MiB(s.server.rssMeanBytes)}, ${MiB(s.server.rssEndBytes)} (${MiB(s.server.rssPeakBytes)})`,
        errors.length ? errors.join(', ') : '0',
        s.backend ? String(s.backend.cpuPercent) : '—',
        String(s.load.cpuPercent),
        `${s.coreBusyPercent['0'] ?? '?'} / ${s.coreBusyPercent['1'] ?? '?'}`,
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

function targetLines(result: GrpcBenchResult): string[] {
  const find = (id: string) => result.scenarios.find((s) => s.id === id);
  const yes = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const out: string[] = [];
  const forward = find('forward');
  const rename = find('forward-rename');
  if (forward) out.push(`forward ≥ ${thousands(GRPC_TARGETS.forwardLogsPerSec)} logs/s: ${thousands(forward.load.recordsPerSec)}, ${yes(forward.load.recordsPerSec >= GRPC_TARGETS.forwardLogsPerSec)} (upstream ${GRPC_TARGETS.upstream.forwardLogsPerSec})`);
  if (rename) out.push(`with rename ≥ ${thousands(GRPC_TARGETS.renameLogsPerSec)} logs/s: ${thousands(rename.load.recordsPerSec)}, ${yes(rename.load.recordsPerSec >= GRPC_TARGETS.renameLogsPerSec)} (upstream ${GRPC_TARGETS.upstream.renameLogsPerSec})`);
  const bareRss = result.scenarios.filter((s) => !s.engine).map((s) => s.server.rssMeanBytes);
  if (forward && bareRss.length) {
    const ratio = forward.server.rssMeanBytes / (bareRss.reduce((a, b) => a + b, 0) / bareRss.length);
    out.push(
      `forward's mean RSS ≤ ${GRPC_TARGETS.rssRatioToBare}x the bare server's: ${MiB(forward.server.rssMeanBytes)} MiB against ` +
        `${bareRss.map(MiB).join(' and ')} MiB, ${ratio.toFixed(2)}x, ${yes(ratio <= GRPC_TARGETS.rssRatioToBare)} (upstream ${GRPC_TARGETS.upstream.rssMiB} MiB)`,
    );
  }
  const drift = baselineDrift('gRPC', result.scenarios.filter((s) => !s.engine).map((s) => s.load.recordsPerSec));
  if (drift) out.push(drift);
  return out;
}

/** Runs the bench, prints its table and target lines, writes bench/results/grpc-forward.json. */
export async function reportGrpcForward(): Promise<void> {
  const only = process.env['GRPC_BENCH_ONLY']?.split(',').map((s) => s.trim()).filter(Boolean);
  const result = await benchGrpcForward(only);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}/grpc-forward.json`, `${JSON.stringify(result, null, 2)}\n`);
  const load = result.scenarios[0]?.load;
  console.log(
    `OTLP/gRPC + gzip forwarding, Node ${result.node}, ${result.cores} core${result.cores === 1 ? '' : 's'} ` +
      `(${result.pinned ? 'engine and bare server on core 0; load, backend engine and bench on core 1' : 'one core: nothing pinned'}); ` +
      `${SETTINGS.connections} connections × ${SETTINGS.streamsPerConnection} calls in flight, ${RECORDS_PER_REQUEST} records/request ` +
      `(${load ? `~${Math.round(load.requestBytes / RECORDS_PER_REQUEST)} B/record, ${load.gzippedBytes} B gzipped` : '?'}), ` +
      `${SETTINGS.warmupMs / 1000} s warm-up + ${SETTINGS.measureMs / 1000} s measured; load average ${result.loadavgBefore.map((x) => x.toFixed(1)).join(' ')}\n`,
  );
  console.log(grpcTable(result));
  console.log('');
  for (const line of targetLines(result)) console.log(`- ${line}`);
  for (const f of result.failures) console.log(`- FAILED ${f.id}: ${f.error}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await reportGrpcForward();
