// Throughput bench: how many OTLP/HTTP records per second one engine core takes in, for logs and traces, through a
// pass-through pipeline (otlp → batch → noop), one with an attribute rename and one with a filter, beside a bare
// node:http server that reads and discards the body (the baseline, measured in the same run with the same load).
//
// Placement (2 cores or more): the engine's supervisor is started under `taskset -c 0` and its pipeline has
// `core_set {0}`, so its instance is pinned to core 0 too; the bare baseline server runs under `taskset -c 0`; the
// load generator (bench/throughput-load.ts) runs under `taskset -c 1`, and this process pins itself to core 1. With one
// core nothing is pinned and everything shares it (the JSON and the table say so).
//
// Runnable on its own: `npm run build && node --import tsx bench/throughput.ts`. Writes bench/results/throughput.json
// and prints a markdown table. Environment knobs, for exploring: THROUGHPUT_CONNECTIONS (default 16),
// THROUGHPUT_SECONDS (10), THROUGHPUT_WARMUP_SECONDS (2), THROUGHPUT_ONLY (comma-separated scenario ids),
// THROUGHPUT_DURABLE_FSYNC (the durable buffer's fsync policy, default interval), and
// THROUGHPUT_CPU_PROF=<dir> to run V8's sampling profiler in every engine process (bench/throughput-cpuprof.mjs); the
// profiles are written when the engine stops, and `node --import tsx bench/throughput-profile.ts <file>` sums them up.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PipelineStatus } from '../src/state/status-types.js';
import { baselineDrift, cpuSeconds, poll, rssOf, runScenarios, startBenchEngine, threadAffinities } from './support.js';
import { BARE_SERVER_SOURCE } from './throughput-bare.js';
import type { LoadConfig, LoadReport } from './throughput-load.js';
import { HEALTHZ_ROUTE, LOG_DROP_FRACTION, RECORDS_PER_REQUEST, RENAME, SPAN_DROP_FRACTION, type BenchSignal } from './throughput-payloads.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const LOAD_ENTRY = fileURLToPath(new URL('./throughput-load.ts', import.meta.url));
const CPUPROF_PRELOAD = fileURLToPath(new URL('./throughput-cpuprof.mjs', import.meta.url));
const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

const envNumber = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

export const SETTINGS = {
  connections: envNumber('THROUGHPUT_CONNECTIONS', 16),
  warmupMs: envNumber('THROUGHPUT_WARMUP_SECONDS', 2) * 1000,
  measureMs: envNumber('THROUGHPUT_SECONDS', 10) * 1000,
  distinctRequests: 16,
  rssSampleMs: 250,
};

/** The issue's targets, reported beside the figures (a bench measures; it does not assert). */
export const TARGETS = {
  passThroughLogsPerSec: 250_000,
  upstreamRustLogsPerSec: 385_000,
  passThroughRatioToBare: 0.7,
  renameLogsPerSec: 100_000,
  maxRssBytes: 150_000_000,
  /** processor:durable_buffer with fsync per interval, against the same pipeline without it (issue #13). */
  durableRatioToPassThrough: 0.7,
};

interface Scenario {
  id: string;
  label: string;
  signal: BenchSignal;
  /** undefined: the bare node:http baseline */
  processor?: { type: string; config: Record<string, unknown> };
  engine: boolean;
  note?: string;
  /** A directory the scenario writes to (a durable buffer's log), removed when it ends. */
  scratchDir?: string;
}

/** The durable buffer's log, on the machine's disk (not a tmpfs), one per bench run. */
const BUFFER_DIR = join(tmpdir(), `otap-bench-durable-buffer-${process.pid}`);

const SCENARIOS: Scenario[] = [
  { id: 'bare-logs', label: 'bare node:http (logs), before', signal: 'logs', engine: false },
  { id: 'logs-pass', label: 'logs: otlp → batch → noop', signal: 'logs', engine: true },
  {
    id: 'logs-durable',
    label: 'logs: otlp → durable_buffer (fsync interval) → batch → noop',
    signal: 'logs',
    engine: true,
    processor: { type: 'processor:durable_buffer', config: { path: BUFFER_DIR, fsync: process.env['THROUGHPUT_DURABLE_FSYNC'] ?? 'interval' } },
    note: 'each client is answered once its data is written to the log (fdatasync every 25 ms); delivered from the log',
    scratchDir: BUFFER_DIR,
  },
  {
    id: 'logs-rename',
    label: 'logs: otlp → attribute (rename) → batch → noop',
    signal: 'logs',
    engine: true,
    processor: { type: 'processor:attribute', config: { actions: [{ action: 'rename', ...RENAME }] } },
  },
  {
    id: 'logs-filter',
    label: 'logs: otlp → filter (severity_number min 9) → batch → noop',
    signal: 'logs',
    engine: true,
    processor: { type: 'processor:filter', config: { logs: { include: { severity_number: { min: 9, match_undefined: true } } } } },
    note: `drops ${LOG_DROP_FRACTION * 100}% of records (the DEBUG ones); records/s counts records sent in`,
  },
  { id: 'bare-logs-after', label: 'bare node:http (logs), after', signal: 'logs', engine: false },
  { id: 'bare-traces', label: 'bare node:http (traces), before', signal: 'traces', engine: false },
  { id: 'traces-pass', label: 'traces: otlp → batch → noop', signal: 'traces', engine: true },
  {
    id: 'traces-rename',
    label: 'traces: otlp → attribute (rename) → batch → noop',
    signal: 'traces',
    engine: true,
    processor: { type: 'processor:attribute', config: { actions: [{ action: 'rename', ...RENAME }] } },
  },
  {
    id: 'traces-filter',
    label: `traces: otlp → filter (exclude http.route ${HEALTHZ_ROUTE}) → batch → noop`,
    signal: 'traces',
    engine: true,
    processor: { type: 'processor:filter', config: { traces: { exclude: { span_attributes: [{ key: 'http.route', value: HEALTHZ_ROUTE }] } } } },
    note: `drops ${SPAN_DROP_FRACTION * 100}% of spans; records/s counts spans sent in`,
  },
  { id: 'bare-traces-after', label: 'bare node:http (traces), after', signal: 'traces', engine: false },
];

function pipelineYaml(scenario: Scenario): string {
  const nodes: Record<string, unknown> = {
    ingest: { type: 'receiver:otlp', config: { protocols: { http: { listening_addr: '127.0.0.1:0' } } } },
    batch: { type: 'processor:batch' },
    out: { type: 'exporter:noop' },
  };
  const connections = [];
  if (scenario.processor) {
    nodes['work'] = { type: scenario.processor.type, config: scenario.processor.config };
    connections.push({ from: 'ingest', to: 'work' }, { from: 'work', to: 'batch' });
  } else {
    connections.push({ from: 'ingest', to: 'batch' });
  }
  connections.push({ from: 'batch', to: 'out' });
  const spec = {
    policies: { resources: { core_allocation: { type: 'core_set', set: [{ start: 0, end: 0 }] } } },
    nodes,
    connections,
  };
  return `version: otel_dataflow/v1\ngroups:\n  default:\n    pipelines:\n      main: ${JSON.stringify(spec)}\n`;
}

export interface ScenarioResult {
  id: string;
  label: string;
  signal: BenchSignal;
  engine: boolean;
  note?: string;
  load: LoadReport;
  /** the engine instance, or the bare server */
  server: {
    pid: number;
    cpuPercent: number;
    /** CPU time of the server process per answered request over the window, µs */
    cpuMicrosPerRequest: number;
    rssEndBytes: number;
    rssMaxSampledBytes: number;
    /** VmHWM: the process's peak RSS since it started */
    rssPeakBytes: number;
    threadAffinity: string[];
  };
  supervisor?: { pid: number; cpuPercent: number; rssEndBytes: number; threadAffinity: string[] };
  loadThreadAffinity: string[];
  /**
   * % of each core busy with anything during the window (from /proc/stat). The bench's own processes account for part
   * of it; the rest is other tenants of the machine (on core 0: busy minus instance and supervisor CPU).
   */
  coreBusyPercent: Record<string, number>;
  /** engine log lines at warn or above */
  engineWarnings: string[];
  /** records/s / the mean of the bare runs of the same signal */
  ratioToBare?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** Per-core jiffies from /proc/stat: busy (everything but idle and iowait) and total. */
export function coreTimes(): Map<string, { busy: number; total: number }> {
  const out = new Map<string, { busy: number; total: number }>();
  for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
    const m = /^cpu(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const v = m[2]!.trim().split(/\s+/).map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0); // user nice system idle iowait irq softirq steal
    out.set(m[1]!, { busy: total - v[3]! - v[4]!, total });
  }
  return out;
}

/** % of each core that was busy (any process) between two coreTimes() readings. */
export function coreBusy(a: ReturnType<typeof coreTimes>, b: ReturnType<typeof coreTimes>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [core, end] of b) {
    const start = a.get(core);
    if (!start || end.total === start.total) continue;
    out[core] = Math.round(((end.busy - start.busy) / (end.total - start.total)) * 100);
  }
  return out;
}

export function parentPid(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  return Number(fields[1]);
}

/** `taskset -c <cpus> <command…>` when pinning, the command alone otherwise. */
export function pinned(cpus: string | undefined, command: string[]): [string, string[]] {
  const argv = cpus === undefined ? command : ['taskset', '-c', cpus, ...command];
  return [argv[0]!, argv.slice(1)];
}

export interface LoadChild<R = LoadReport> {
  child: ChildProcess;
  ready: Promise<void>;
  send(type: 'go' | 'mark' | 'stop'): void;
  result: Promise<R>;
}

/** Starts a load generator process (`entry`, bench/throughput-load.ts unless told) with its config, driven over IPC. */
export function startLoad<R = LoadReport>(config: unknown, cpus: string | undefined, entry = LOAD_ENTRY): LoadChild<R> {
  const [cmd, args] = pinned(cpus, [process.execPath, '--import', 'tsx', entry, JSON.stringify(config)]);
  const child = spawn(cmd, args, { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let onReady: () => void;
  let onResult: (r: R) => void;
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`load generator exited with ${code}`))));
  const ready = Promise.race([new Promise<void>((r) => (onReady = r)), exited]);
  const result = Promise.race([new Promise<R>((r) => (onResult = r)), exited]);
  ready.catch(() => undefined);
  result.catch(() => undefined);
  child.on('message', (msg: { type: string; report?: R }) => {
    if (msg.type === 'ready') onReady();
    else if (msg.type === 'result') onResult(msg.report!);
  });
  return { child, ready, result, send: (type) => child.send({ type }) };
}

export interface Target {
  host: string;
  port: number;
  pid: number;
  supervisorPid?: number;
  warnings(): string[];
  stop(): Promise<void>;
}

/** Starts a bare server (plain JavaScript `source`, the node:http one unless told) that prints its port. */
export async function startBare(cpus: string | undefined, source = BARE_SERVER_SOURCE): Promise<Target> {
  const [cmd, args] = pinned(cpus, [process.execPath, '--input-type=module', '-e', source]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve((JSON.parse(out.slice(0, nl)) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
  return {
    host: '127.0.0.1',
    port,
    pid: child.pid!,
    warnings: () => [],
    stop: async () => {
      const gone = new Promise((r) => child.once('exit', r));
      child.disconnect();
      await gone;
    },
  };
}

/**
 * Starts the engine; with THROUGHPUT_CPU_PROF set, with the profiling preload in NODE_OPTIONS (`--cpu-prof` itself is
 * not allowed there). Only the engine gets it: the env is restored as soon as the supervisor is spawned.
 */
export async function startBenchEngineMaybeProfiled(yaml: string, cpus: string | undefined) {
  const profileDir = process.env['THROUGHPUT_CPU_PROF'];
  const before = process.env['NODE_OPTIONS'];
  if (profileDir) process.env['NODE_OPTIONS'] = `${before ?? ''} --import ${CPUPROF_PRELOAD}`.trim();
  try {
    return await startBenchEngine(yaml, ['--log-format', 'json'], cpus === undefined ? {} : { cpus });
  } finally {
    if (before === undefined) delete process.env['NODE_OPTIONS'];
    else process.env['NODE_OPTIONS'] = before;
  }
}

async function startEngine(scenario: Scenario, cpus: string | undefined): Promise<Target> {
  return engineTarget(await startBenchEngineMaybeProfiled(pipelineYaml(scenario), cpus));
}

/** Waits for `default/main` of a started bench engine to run, and answers where it listens and its instance's pid. */
export async function engineTarget(engine: Awaited<ReturnType<typeof startBenchEngine>>): Promise<Target> {
  try {
    const status = await poll(async () => {
      const res = await fetch(`${engine.adminUrl}/api/v1/groups/default/pipelines/main/status`);
      if (!res.ok) return undefined;
      const s = (await res.json()) as PipelineStatus;
      return s.deploymentStatus === 'running' && s.listeners?.[0] && s.instances?.[0]?.pid ? s : undefined;
    });
    const [host, port] = status.listeners[0]!.address.split(/:(?=\d+$)/) as [string, string];
    const pid = status.instances[0]!.pid!;
    return {
      host,
      port: Number(port),
      pid,
      supervisorPid: parentPid(pid),
      warnings: () => warnings(engine.lines.map((l) => l.text)),
      stop: () => engine.stop(),
    };
  } catch (error) {
    await engine.stop();
    throw error;
  }
}

export function warnings(lines: string[]): string[] {
  const out: string[] = [];
  for (const text of lines) {
    try {
      const line = JSON.parse(text) as { level?: number | string };
      const level = typeof line.level === 'number' ? line.level : ({ warn: 40, error: 50, fatal: 60 } as Record<string, number>)[String(line.level)] ?? 0;
      if (level >= 40) out.push(text.length > 400 ? `${text.slice(0, 400)}…` : text);
    } catch {
      // not a JSON log line
    }
  }
  return out;
}

async function runScenario(scenario: Scenario, placement: { server?: string; load?: string }): Promise<ScenarioResult> {
  // The load generator encodes its requests while the server starts.
  const loadConfig = (host: string, port: number): LoadConfig => ({
    host,
    port,
    signal: scenario.signal,
    connections: SETTINGS.connections,
    distinctRequests: SETTINGS.distinctRequests,
  });
  const target = scenario.engine ? await startEngine(scenario, placement.server) : await startBare(placement.server);
  const load = startLoad(loadConfig(target.host, target.port), placement.load);
  try {
    await load.ready;
    const loadThreadAffinity = threadAffinities(load.child.pid!);
    const pids = { server: target.pid, supervisor: target.supervisorPid };
    load.send('go');
    await sleep(SETTINGS.warmupMs);
    const at0 = performance.now();
    const server0 = cpuSeconds(pids.server);
    const sup0 = pids.supervisor ? cpuSeconds(pids.supervisor) : 0;
    const cores0 = coreTimes();
    load.send('mark');
    let rssMax = 0;
    const sampler = setInterval(() => {
      rssMax = Math.max(rssMax, rssOf(pids.server));
    }, SETTINGS.rssSampleMs);
    await sleep(SETTINGS.measureMs);
    load.send('stop');
    const span = (performance.now() - at0) / 1000;
    const serverCpu = cpuSeconds(pids.server) - server0;
    const supCpu = pids.supervisor ? cpuSeconds(pids.supervisor) - sup0 : 0;
    const coreBusyPercent = coreBusy(cores0, coreTimes());
    clearInterval(sampler);
    const rssEnd = rssOf(pids.server);
    rssMax = Math.max(rssMax, rssEnd);
    const report = await load.result;
    const result: ScenarioResult = {
      id: scenario.id,
      label: scenario.label,
      signal: scenario.signal,
      engine: scenario.engine,
      ...(scenario.note ? { note: scenario.note } : {}),
      load: report,
      server: {
        pid: pids.server,
        cpuPercent: Math.round((serverCpu / span) * 100),
        cpuMicrosPerRequest: report.requests ? Math.round((serverCpu * 1e6) / report.requests) : 0,
        rssEndBytes: rssEnd,
        rssMaxSampledBytes: rssMax,
        rssPeakBytes: peakRss(pids.server),
        threadAffinity: threadAffinities(pids.server),
      },
      loadThreadAffinity,
      coreBusyPercent,
      engineWarnings: target.warnings(),
    };
    if (pids.supervisor) {
      result.supervisor = {
        pid: pids.supervisor,
        cpuPercent: Math.round((supCpu / span) * 100),
        rssEndBytes: rssOf(pids.supervisor),
        threadAffinity: threadAffinities(pids.supervisor),
      };
    }
    return result;
  } finally {
    load.child.kill();
    await target.stop();
    if (scenario.scratchDir) rmSync(scenario.scratchDir, { recursive: true, force: true });
  }
}

export interface ThroughputResult {
  measuredAt: string;
  node: string;
  cores: number;
  pinned: boolean;
  placement: { engineAndBaseline: string; load: string; bench: string };
  loadavgBefore: number[];
  loadavgAfter: number[];
  settings: typeof SETTINGS & { recordsPerRequest: number };
  targets: typeof TARGETS;
  durationMs: number;
  scenarios: ScenarioResult[];
  /** scenarios that could not be run (engine did not start, load generator died…) */
  failures: Array<{ id: string; error: string }>;
}

export async function benchThroughput(only?: string[]): Promise<ThroughputResult> {
  const started = performance.now();
  const cores = availableParallelism();
  const pin = cores >= 2;
  const placement = pin ? { server: '0', load: '1' } : {};
  const loadavgBefore = loadavg();
  const { results: scenarios, failures } = await runScenarios('throughput', SCENARIOS, only, pin ? 1 : undefined, (scenario) => runScenario(scenario, placement));
  // The bare baseline runs before and after the engine runs of its signal; engine figures are compared with the mean.
  for (const s of scenarios) {
    const bare = scenarios.filter((b) => !b.engine && b.signal === s.signal).map((b) => b.load.recordsPerSec);
    const mean = bare.length ? bare.reduce((a, b) => a + b, 0) / bare.length : 0;
    if (mean > 0) s.ratioToBare = Math.round((s.load.recordsPerSec / mean) * 1000) / 1000;
  }
  return {
    measuredAt: new Date().toISOString(),
    node: process.version,
    cores,
    pinned: pin,
    placement: pin
      ? { engineAndBaseline: 'core 0 (supervisor: taskset -c 0; instance: core_set {0})', load: 'core 1 (taskset -c 1)', bench: 'core 1' }
      : { engineAndBaseline: 'unpinned (1 core)', load: 'unpinned (1 core)', bench: 'unpinned (1 core)' },
    loadavgBefore,
    loadavgAfter: loadavg(),
    settings: { ...SETTINGS, recordsPerRequest: RECORDS_PER_REQUEST },
    targets: TARGETS,
    durationMs: Math.round(performance.now() - started),
    scenarios,
    failures,
  };
}

const MiB = (b: number) => (b / 1024 / 1024).toFixed(1);
const thousands = (n: number) => n.toLocaleString('en-US');

export function throughputTable(result: ThroughputResult): string {
  const header = ['pipeline', 'records/s', 'ratio to bare', 'p50', 'p99', 'instance CPU %', 'CPU µs/record', 'instance RSS MiB (peak)', 'non-2xx', 'load CPU %', 'core 0 / 1 busy %'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const s of result.scenarios) {
    const non2xx = Object.entries(s.load.non2xx)
      .map(([code, n]) => `${n}× ${code}`)
      .concat(s.load.errors ? [`${s.load.errors} errors`] : []);
    lines.push(
      `| ${[
        s.label,
        thousands(s.load.recordsPerSec),
        s.ratioToBare?.toFixed(2) ?? '—',
        `${s.load.latencyMs.p50.toFixed(1)} ms`,
        `${s.load.latencyMs.p99.toFixed(1)} ms`,
        String(s.server.cpuPercent),
        (s.server.cpuMicrosPerRequest / RECORDS_PER_REQUEST).toFixed(2),
        `${MiB(s.server.rssEndBytes)} (${MiB(s.server.rssPeakBytes)})`,
        non2xx.length ? non2xx.join(', ') : '0',
        String(s.load.cpuPercent),
        `${s.coreBusyPercent['0'] ?? '?'} / ${s.coreBusyPercent['1'] ?? '?'}`,
      ].join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

export function targetLines(result: ThroughputResult): string[] {
  const find = (id: string) => result.scenarios.find((s) => s.id === id);
  const out: string[] = [];
  const pass = find('logs-pass');
  const rename = find('logs-rename');
  const yes = (ok: boolean) => (ok ? 'met' : 'NOT met');
  if (pass) {
    out.push(`pass-through logs ≥ ${thousands(TARGETS.passThroughLogsPerSec)}/s: ${thousands(pass.load.recordsPerSec)}/s, ${yes(pass.load.recordsPerSec >= TARGETS.passThroughLogsPerSec)} (upstream Rust ~${thousands(TARGETS.upstreamRustLogsPerSec)}/s)`);
    if (pass.ratioToBare !== undefined) out.push(`pass-through logs ≥ ${TARGETS.passThroughRatioToBare} of bare: ${pass.ratioToBare.toFixed(2)}, ${yes(pass.ratioToBare >= TARGETS.passThroughRatioToBare)}`);
  }
  if (rename) out.push(`rename logs ≥ ${thousands(TARGETS.renameLogsPerSec)}/s: ${thousands(rename.load.recordsPerSec)}/s, ${yes(rename.load.recordsPerSec >= TARGETS.renameLogsPerSec)}`);
  const durable = find('logs-durable');
  if (pass && durable && pass.load.recordsPerSec > 0) {
    const ratio = durable.load.recordsPerSec / pass.load.recordsPerSec;
    const cpu = (s: ScenarioResult) => (s.server.cpuMicrosPerRequest / RECORDS_PER_REQUEST).toFixed(2);
    out.push(
      `durable buffer (fsync interval) ≥ ${TARGETS.durableRatioToPassThrough} of the same pipeline without it: ${thousands(durable.load.recordsPerSec)}/s vs ${thousands(pass.load.recordsPerSec)}/s = ${ratio.toFixed(2)}, ` +
        `${yes(ratio >= TARGETS.durableRatioToPassThrough)}; CPU ${cpu(durable)} vs ${cpu(pass)} µs/record`,
    );
  }
  for (const signal of new Set(result.scenarios.map((s) => s.signal))) {
    const baselines = result.scenarios.filter((s) => !s.engine && s.signal === signal).map((s) => s.load.recordsPerSec);
    const drift = baselineDrift(signal, baselines);
    if (drift) out.push(drift);
  }
  const engines = result.scenarios.filter((s) => s.engine);
  if (engines.length) {
    const worst = Math.max(...engines.map((s) => s.server.rssPeakBytes));
    out.push(`instance RSS ≤ 150 MB under load: peak ${(worst / 1e6).toFixed(1)} MB (${MiB(worst)} MiB), ${yes(worst <= TARGETS.maxRssBytes)}`);
  }
  return out;
}

/** Runs the throughput benchmark, prints its table and target lines, writes bench/results/throughput.json. */
export async function reportThroughput(): Promise<void> {
  const only = process.env['THROUGHPUT_ONLY']?.split(',').map((s) => s.trim()).filter(Boolean);
  const result = await benchThroughput(only);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}/throughput.json`, `${JSON.stringify(result, null, 2)}\n`);
  const placement = result.pinned ? 'engine and baseline on core 0, load generator on core 1' : 'one core: nothing pinned, load and server share it';
  console.log(
    `Throughput, Node ${result.node}, ${result.cores} core${result.cores === 1 ? "" : "s"} (${placement}); ${result.settings.connections} keep-alive connections, ` +
      `${RECORDS_PER_REQUEST} records/request (~${Math.round((result.scenarios[0]?.load.requestBytes ?? 0) / RECORDS_PER_REQUEST)} B/record), ` +
      `${result.settings.warmupMs / 1000} s warm-up + ${result.settings.measureMs / 1000} s measured; load average ${result.loadavgBefore.map((x) => x.toFixed(1)).join(' ')}\n`,
  );
  console.log(throughputTable(result));
  console.log('');
  for (const line of targetLines(result)) console.log(`- ${line}`);
  for (const f of result.failures) console.log(`- FAILED ${f.id}: ${f.error}`);
  console.log(`\n(${(result.durationMs / 1000).toFixed(0)} s; bench/results/throughput.json has every figure)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await reportThroughput();
