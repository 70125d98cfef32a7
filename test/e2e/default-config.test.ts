// Acceptance: the README's run command (`npm start`: the engine on its embedded default config) serves OTLP on
// 127.0.0.1:4317 (gRPC) and 127.0.0.1:4318 (HTTP) and the admin API on 127.0.0.1:8080.
import { execa } from 'execa';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeLogsRequest } from '../support/otlp-load.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

describe('npm start on the embedded default config', () => {
  it('serves OTLP on 4317/4318 and the admin API on 8080', async () => {
    const engine = execa('npm', ['start', '--silent'], { cwd: repo, reject: false, stdin: 'ignore', stdout: 'pipe', stderr: 'inherit', buffer: false });
    let output = '';
    engine.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const status = await until(async () => {
        const res = await fetch('http://127.0.0.1:8080/api/v1/status');
        const body = (await res.json()) as { pipelines: Record<string, { deploymentStatus: string }> };
        return body.pipelines['default:main']?.deploymentStatus === 'running' ? body : undefined;
      }, 'admin API on 8080 with default:main running');
      expect(Object.keys(status.pipelines)).toEqual(['default:main']);
      expect(await tcpOpen(4317)).toBe(true);
      const res = await fetch('http://127.0.0.1:4318/v1/logs', {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: encodeLogsRequest(['hello from the default config']),
      });
      expect(res.status).toBe(200);
      // The console exporter prints the batch as a tree once the batch duration (200 ms) passes: the record's body shows.
      const printed = () => output.split('\n').filter((l) => !l.startsWith('{')).join('\n');
      await until(async () => (printed().includes('hello from the default config') ? true : undefined), 'console output');
    } finally {
      engine.kill('SIGTERM');
      const result = await engine;
      expect(result.exitCode).toBe(0);
    }
  });
});
