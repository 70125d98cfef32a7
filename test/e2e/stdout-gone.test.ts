// An engine whose stdout has lost its reader (journald restarted, a `| tee` died) still drains and exits on SIGTERM,
// and so do its instances: their last log line, written as they exit, must not keep them waiting for a reader that
// will never come back (src/util/async-console.ts).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../src/state/status-types.js';
import { ENGINE_BIN, processAlive, usableCores, writeConfig } from '../support/engine.js';

const cores = usableCores().slice(0, 2);

const config = `
version: otel_dataflow/v1
policies:
  resources: { core_allocation: { type: core_count, count: ${cores.length} } }
groups:
  default:
    pipelines:
      main:
        nodes:
          ingest: { type: receiver:otlp, config: { protocols: { http: { listening_addr: 127.0.0.1:0 } } } }
          out: { type: exporter:noop }
        connections:
          - { from: ingest, to: out }
`;

/** Far below the engine's 60 s drain deadline, far above a drain of an idle pipeline. */
const EXIT_WITHIN_MS = 30_000;

describe('an engine whose stdout has no reader', () => {
  it(
    'drains and exits 0 on SIGTERM, and its instances exit by themselves',
    async () => {
      const child = spawn(process.execPath, [ENGINE_BIN, '--config', writeConfig(config), '--http-admin-bind', '127.0.0.1:0'], {
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
          const url = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"admin listening"/.exec(stdout)?.[1];
          if (url !== undefined && stdout.includes('"msg":"engine started"')) resolve(url);
        });
        void exited.then((e) => reject(new Error(`engine exited at start: ${JSON.stringify(e)}\n${stdout}\n${stderr}`)));
      });
      const status = (await (await fetch(`${adminUrl}/api/v1/status`)).json()) as EngineStatus;
      const pids = status.pipelines['default:main']!.instances.map((i) => i.pid!);
      expect(pids).toHaveLength(cores.length);

      // The reader goes: from now on every write to the engine's stdout (its instances share it) fails with EPIPE.
      child.stdout.destroy();
      child.kill('SIGTERM');
      const outcome = await Promise.race([
        exited,
        new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), EXIT_WITHIN_MS)),
      ]);
      const leftOver = pids.filter(processAlive);
      if (outcome === 'still running') child.kill('SIGKILL');
      for (const pid of leftOver) process.kill(pid, 'SIGKILL');
      expect(outcome, stderr).toEqual({ code: 0, signal: null });
      expect(leftOver).toEqual([]);
    },
    EXIT_WITHIN_MS + 20_000,
  );
});
