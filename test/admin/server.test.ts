// Binding, closing, and failures inside the backend.
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startAdminServer } from '../../src/admin/server.js';
import { createTestBackend } from './test-backend.js';
import { captureLogger, expectError, startHarness } from './helpers.js';

describe('admin server', () => {
  it('binds port 0, reports the bound address and closes idempotently', async () => {
    const { server } = await startHarness(createTestBackend());
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(server.address.endsWith(':0')).toBe(false);
    await Promise.all([server.close(), server.close()]);
    await server.close();
    await expect(fetch(`http://${server.address}/status`)).rejects.toThrow();
  });

  it('close() cuts keep-alive connections at once', async () => {
    const { server } = await startHarness(createTestBackend());
    const [host, port] = server.address.split(':');
    const agent = new (await import('node:http')).Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      request({ host, port, path: '/status', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      }).on('error', reject).end();
    });
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1000);
    agent.destroy();
  });

  it('refuses a bad bind address and reports a port in use', async () => {
    const { logger } = captureLogger();
    const backend = createTestBackend();
    await expect(startAdminServer({ backend, logger, bind: 'nonsense' })).rejects.toThrow(/invalid bind address/);
    await expect(startAdminServer({ backend, logger, bind: '127.0.0.1:70000' })).rejects.toThrow(/invalid bind address/);
    const first = await startAdminServer({ backend, logger, bind: '127.0.0.1:0' });
    await expect(startAdminServer({ backend, logger, bind: first.address })).rejects.toThrow(/EADDRINUSE/);
    await first.close();
  });

  it('binds IPv6 hosts written in brackets', async () => {
    const { logger } = captureLogger();
    const server = await startAdminServer({ backend: createTestBackend(), logger, bind: '[::1]:0' }).catch(() => undefined);
    if (server === undefined) return; // no IPv6 loopback on this machine
    expect(server.address).toMatch(/^\[::1\]:\d+$/);
    expect((await fetch(`http://${server.address}/status`)).status).toBe(200);
    await server.close();
  });

  it('a backend that throws gives 500 Internal without leaking its message, and the cause is logged', async () => {
    const secret = 'token=hunter2 at /etc/otap/secret.yaml';
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const h = await startHarness(
      createTestBackend({
        status: () => {
          throw new Error(secret);
        },
        committedConfig: () => circular as never,
      }),
    );
    for (const path of ['/api/v1/status', '/status', '/api/v1/config']) {
      const res = await fetch(h.base + path);
      const text = await res.clone().text();
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('circular');
      const body = await expectError(res, 500, 'Internal');
      expect(body).toEqual({ kind: 'internal', error_code: 'Internal', message: 'internal error', details: {} });
    }
    const logged = h.logs.filter((l) => l.level === 50);
    expect(logged).toHaveLength(3);
    expect(JSON.stringify(logged[0])).toContain('hunter2');
    expect((await fetch(`${h.base}/api/v1/livez`)).status).toBe(200);
    await h.server.close();
  });
});
