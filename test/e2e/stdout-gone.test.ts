// An engine whose stdout has lost its reader (journald restarted, a `| tee` died) keeps running and still drains and
// exits on SIGTERM, in either log format, and so do its instances: their last log line, written as they exit, must not
// keep them waiting for a reader that will never come back (src/util/async-console.ts), and a write to the console by
// anything else (exporter:console) must neither crash a process nor hold up its pipeline (src/util/stdio.ts).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import http from 'node:http';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../src/state/status-types.js';
import type { LogFormat } from '../../src/util/logger.js';
import { ENGINE_BIN, processAlive, usableCores, writeConfig } from '../support/engine.js';
import { encodeLogsRequest, post } from '../support/otlp-load.js';

const cores = usableCores().slice(0, 2);

const config = (exporter: string) => `
version: otel_dataflow/v1
policies:
  resources: { core_allocation: { type: core_count, count: ${cores.length} } }
groups:
  default:
    pipelines:
      main:
        nodes:
          ingest: { type: receiver:otlp, config: { protocols: { http: { listening_addr: 127.0.0.1:0 } } } }
          out: { type: ${exporter} }
        connections:
          - { from: ingest, to: out }
`;

/** Far below the engine's 60 s drain deadline, far above a drain of an idle pipeline. */
const EXIT_WITHIN_MS = 30_000;

interface Started {
  child: ChildProcessByStdio<null, Readable, Readable>;
  exited: Promise<{ code: number | null; signal: string | null }>;
  stderr(): string;
  status(): Promise<EngineStatus>;
}

/** The admin URL once the engine has started, from its log lines in either format. */
const STARTED: Record<LogFormat, RegExp> = {
  json: /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"admin listening"[\s\S]*"msg":"engine started"/,
  pretty: /admin listening\n(?:\s+\w+: .*\n)*?\s+url: "(http:\/\/[^"]+)"[\s\S]*engine started/,
};

async function startWithPipes(exporter: string, format: LogFormat): Promise<Started> {
  const argv = [ENGINE_BIN, '--config', writeConfig(config(exporter)), '--http-admin-bind', '127.0.0.1:0', '--log-format', format];
  const child = spawn(process.execPath, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, OTAP_ENGINE_ADMIN_TOKEN: '' },
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  let stdout = '';
  const adminUrl = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const url = STARTED[format].exec(stdout)?.[1];
      if (url !== undefined) resolve(url);
    });
    void exited.then((e) => reject(new Error(`engine exited at start: ${JSON.stringify(e)}\n${stdout}\n${stderr}`)));
  });
  return { child, exited, stderr: () => stderr, status: async () => (await (await fetch(`${adminUrl}/api/v1/status`)).json()) as EngineStatus };
}

/** SIGTERM: the engine must exit 0 within EXIT_WITHIN_MS and leave no instance alive (those found alive are killed). */
async function expectCleanStop(engine: Started, pids: number[]): Promise<void> {
  engine.child.kill('SIGTERM');
  const outcome = await Promise.race([
    engine.exited,
    new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), EXIT_WITHIN_MS)),
  ]);
  const leftOver = pids.filter(processAlive);
  for (const pid of leftOver) process.kill(pid, 'SIGKILL');
  expect(outcome, engine.stderr()).toEqual({ code: 0, signal: null });
  expect(leftOver).toEqual([]);
}

/**
 * Runs `body` on an engine started with `exporter`; a test that fails before its SIGTERM leaves no engine behind (its
 * instances follow the supervisor once their IPC channel closes).
 */
async function withEngine(exporter: string, body: (engine: Started) => Promise<void>, format: LogFormat = 'json'): Promise<void> {
  const engine = await startWithPipes(exporter, format);
  try {
    await body(engine);
  } finally {
    if (engine.child.exitCode === null && engine.child.signalCode === null) {
      engine.child.kill('SIGKILL');
      await engine.exited;
    }
  }
}

describe('an engine whose stdout has no reader', () => {
  it(
    'drains and exits 0 on SIGTERM, and its instances exit by themselves',
    () =>
      withEngine('exporter:noop', async (engine) => {
        const pids = (await engine.status()).pipelines['default:main']!.instances.map((i) => i.pid!);
        expect(pids).toHaveLength(cores.length);

        // The reader goes: from now on every write to the engine's stdout (its instances share it) fails with EPIPE.
        engine.child.stdout.destroy();
        await expectCleanStop(engine, pids);
      }),
    EXIT_WITHIN_MS + 20_000,
  );

  it(
    'drains and exits 0 on SIGTERM with the pretty format too',
    () =>
      withEngine(
        'exporter:noop',
        async (engine) => {
          const pids = (await engine.status()).pipelines['default:main']!.instances.map((i) => i.pid!);
          engine.child.stdout.destroy();
          await expectCleanStop(engine, pids);
        },
        'pretty',
      ),
    EXIT_WITHIN_MS + 20_000,
  );

  it(
    'keeps exporting to the console without crashing or stalling, then drains and exits 0',
    () =>
      withEngine('exporter:console', async (engine) => {
        const before = (await engine.status()).pipelines['default:main']!;
        const pids = before.instances.map((i) => i.pid!);
        const address = before.listeners.find((l) => l.protocol === 'http')!.address;

        engine.child.stdout.destroy();
        const agent = new http.Agent({ keepAlive: true });
        const answers: number[] = [];
        // More than a pipe holds (64 KiB) once printed, so that a write would also wait for a drain that never comes.
        for (let i = 0; i < 40; i++) {
          const records = Array.from({ length: 50 }, (_, r) => `request ${i} record ${r} ${'x'.repeat(100)}`);
          answers.push(await post(agent, `http://${address}/v1/logs`, encodeLogsRequest(records)));
        }
        agent.destroy();
        expect(answers.every((status) => status === 200), JSON.stringify(answers)).toBe(true);
        const after = (await engine.status()).pipelines['default:main']!;
        expect(after.instances.map((i) => i.pid)).toEqual(pids);
        await expectCleanStop(engine, pids);
      }),
    EXIT_WITHIN_MS + 40_000,
  );
});
