// Start-up and idle footprint: time from spawning the supervisor to every instance of a 2-core pipeline ready, and the
// RSS of an idle instance. Baselines from the same run: a bare `node` child that answers one IPC message (the floor
// for any per-core child process design) and its idle RSS.
import { execa } from 'execa';
import type { EngineStatus } from '../src/state/status-types.js';
import { median, poll, rssOf, startBenchEngine } from './support.js';

const RUNS = 5;
const IDLE_SETTLE_MS = 3000;

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

async function bareNodeChild(): Promise<{ readyMs: number; idleRss: number }> {
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
  const idleRss = rssOf(child.pid!);
  child.disconnect();
  await child;
  return { readyMs, idleRss };
}

export interface StartupResult {
  cores: number;
  engineReadyMs: number;
  engineReadyRuns: number[];
  instanceIdleRssBytes: number;
  baselineChildReadyMs: number;
  baselineIdleRssBytes: number;
}

export async function benchStartup(cores: number): Promise<StartupResult> {
  const readyRuns: number[] = [];
  const rssRuns: number[] = [];
  const baseReady: number[] = [];
  const baseRss: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const base = await bareNodeChild();
    baseReady.push(base.readyMs);
    baseRss.push(base.idleRss);

    const engine = await startBenchEngine(config(cores));
    const status = await poll(async () => {
      const s = (await (await fetch(`${engine.adminUrl}/api/v1/status`)).json()) as EngineStatus;
      return s.pipelines['default:main']?.deploymentStatus === 'running' ? s : undefined;
    });
    readyRuns.push(Date.now() - engine.spawnedAt);
    await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
    const pids = status.pipelines['default:main']!.instances.map((i) => i.pid!);
    rssRuns.push(median(pids.map(rssOf)));
    await engine.stop();
  }
  return {
    cores,
    engineReadyMs: median(readyRuns),
    engineReadyRuns: readyRuns,
    instanceIdleRssBytes: median(rssRuns),
    baselineChildReadyMs: median(baseReady),
    baselineIdleRssBytes: median(baseRss),
  };
}
