// Start-up and idle footprint: time from spawning the supervisor to every instance of a 2-core pipeline ready, where
// that time goes, and the memory of an idle instance (RSS, and its private part: what each more core costs, since the
// pages of the node binary are shared by every process). Baselines from the same run: a bare `node` child that
// answers one IPC message (the floor for any per-core child process design) and its idle memory.
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import type { EngineStatus } from '../src/state/status-types.js';
import { median, poll, rssOf, startBenchEngine } from './support.js';

const RUNS = 5;
const IDLE_SETTLE_MS = 3000;
/**
 * A second reading, once V8's memory reducer has run (it frees the start's garbage some seconds after a process goes
 * idle): what an idle instance keeps for as long as it stays idle.
 */
const SETTLED_MS = 12_000;

const config = (cores: number) => `
version: otel_dataflow/v1
policies:
  resources: { core_allocation: { type: core_count, count: ${cores} } }
groups:
  default:
    pipelines:
      main:
        nodes:
          ingest:
            type: receiver:otlp
            config: { protocols: { http: { listening_addr: 127.0.0.1:0 }, grpc: { listening_addr: 127.0.0.1:0 } } }
          batch: { type: processor:batch }
          out: { type: exporter:noop }
        connections:
          - { from: ingest, to: batch }
          - { from: batch, to: out }
`;

/** Private memory of a process (Private_Clean + Private_Dirty of /proc/<pid>/smaps_rollup): what no other process shares. */
export function privateOf(pid: number): number {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(rollup)?.[1] ?? 0);
  return (kb('Private_Clean') + kb('Private_Dirty')) * 1024;
}

/** RSS and private memory of `pid` now. */
function memoryOf(pid: number): { rss: number; private: number } {
  return { rss: rssOf(pid), private: privateOf(pid) };
}

async function bareNodeChild(): Promise<{ readyMs: number; idle: { rss: number; private: number }; settled: { rss: number; private: number } }> {
  const started = Date.now();
  const child = execa(process.execPath, ['-e', 'process.send("ready"); process.on("disconnect", () => process.exit(0))'], {
    ipc: true,
    buffer: { ipc: false },
    stdin: 'ignore',
    reject: false,
  });
  await new Promise<void>((resolve) => child.once('message', () => resolve()));
  const readyMs = Date.now() - started;
  await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
  const idle = memoryOf(child.pid!);
  await new Promise((r) => setTimeout(r, SETTLED_MS - IDLE_SETTLE_MS));
  const settled = memoryOf(child.pid!);
  child.disconnect();
  await child;
  return { readyMs, idle, settled };
}

export interface StartupResult {
  cores: number;
  engineReadyMs: number;
  engineReadyRuns: number[];
  instanceIdleRssBytes: number;
  instanceIdlePrivateBytes: number;
  /** The same, SETTLED_MS after ready. */
  instanceSettledRssBytes: number;
  instanceSettledPrivateBytes: number;
  /** Medians of where start → all ready goes (see phasesOf). */
  phases: StartupPhases;
  baselineChildReadyMs: number;
  baselineIdleRssBytes: number;
  baselineIdlePrivateBytes: number;
  baselineSettledRssBytes: number;
  baselineSettledPrivateBytes: number;
}

/**
 * Where start → all ready goes, from the engine's own log lines and the cores' recorded events: `supervisor` from
 * spawning it to its admin API listening; `untilSpawn` from there to the first instance spawned (config, listeners);
 * `instances` from that spawn to the last instance's `ready` (process start, module load, pipeline build and start);
 * `afterReady` from there to the engine saying it started. A first start routes each core to its instance at spawn
 * and has no stabilisation window (that health gate is the rollouts'), so this last phase is only the status update.
 */
export interface StartupPhases {
  supervisor: number;
  untilSpawn: number;
  instances: number;
  afterReady: number;
}

function phasesOf(spawnedAt: number, lines: Array<{ text: string }>, status: EngineStatus): StartupPhases {
  const logged = (msg: string) =>
    lines
      .map((l) => {
        try {
          return JSON.parse(l.text) as { msg?: string; time?: string };
        } catch {
          return {};
        }
      })
      .filter((l) => l.msg === msg && l.time !== undefined)
      .map((l) => Date.parse(l.time!));
  // The supervisor's own record of each instance's spawn and ready, so that every mark is on the supervisor's clock.
  const events = (name: string) =>
    status.pipelines['default:main']!.instances.flatMap((i) =>
      i.status.recentEvents.flatMap((e) => ('Engine' in e && e.Engine.event === name ? [Date.parse(e.Engine.time)] : [])),
    );
  const admin = Math.min(...logged('admin listening'));
  const firstSpawn = Math.min(...events('spawned'));
  const lastReady = Math.max(...events('ready'));
  const started = Math.min(...logged('engine started'));
  return { supervisor: admin - spawnedAt, untilSpawn: firstSpawn - admin, instances: lastReady - firstSpawn, afterReady: started - lastReady };
}

export async function benchStartup(cores: number): Promise<StartupResult> {
  const readyRuns: number[] = [];
  const idleRuns: Array<{ rss: number; private: number }> = [];
  const settledRuns: Array<{ rss: number; private: number }> = [];
  const phaseRuns: StartupPhases[] = [];
  const baseReady: number[] = [];
  const baseIdle: Array<{ rss: number; private: number }> = [];
  const baseSettled: Array<{ rss: number; private: number }> = [];
  for (let run = 0; run < RUNS; run++) {
    const base = await bareNodeChild();
    baseReady.push(base.readyMs);
    baseIdle.push(base.idle);
    baseSettled.push(base.settled);

    const engine = await startBenchEngine(config(cores));
    const status = await poll(async () => {
      const s = (await (await fetch(`${engine.adminUrl}/api/v1/status`)).json()) as EngineStatus;
      return s.pipelines['default:main']?.deploymentStatus === 'running' ? s : undefined;
    });
    readyRuns.push(Date.now() - engine.spawnedAt);
    await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
    phaseRuns.push(phasesOf(engine.spawnedAt, engine.lines, status));
    const pids = status.pipelines['default:main']!.instances.map((i) => i.pid!);
    const reading = () => {
      const each = pids.map(memoryOf);
      return { rss: median(each.map((m) => m.rss)), private: median(each.map((m) => m.private)) };
    };
    idleRuns.push(reading());
    await new Promise((r) => setTimeout(r, SETTLED_MS - IDLE_SETTLE_MS));
    settledRuns.push(reading());
    await engine.stop();
  }
  return {
    cores,
    engineReadyMs: median(readyRuns),
    engineReadyRuns: readyRuns,
    instanceIdleRssBytes: median(idleRuns.map((r) => r.rss)),
    instanceIdlePrivateBytes: median(idleRuns.map((r) => r.private)),
    instanceSettledRssBytes: median(settledRuns.map((r) => r.rss)),
    instanceSettledPrivateBytes: median(settledRuns.map((r) => r.private)),
    phases: {
      supervisor: median(phaseRuns.map((p) => p.supervisor)),
      untilSpawn: median(phaseRuns.map((p) => p.untilSpawn)),
      instances: median(phaseRuns.map((p) => p.instances)),
      afterReady: median(phaseRuns.map((p) => p.afterReady)),
    },
    baselineChildReadyMs: median(baseReady),
    baselineIdleRssBytes: median(baseIdle.map((r) => r.rss)),
    baselineIdlePrivateBytes: median(baseIdle.map((r) => r.private)),
    baselineSettledRssBytes: median(baseSettled.map((r) => r.rss)),
    baselineSettledPrivateBytes: median(baseSettled.map((r) => r.private)),
  };
}
