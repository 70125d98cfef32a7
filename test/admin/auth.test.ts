// Bearer token authentication of the admin API over real HTTP, with the in-process app and a test backend.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileTokenSource, staticTokenSource, type AdminTokenSource } from '../../src/admin/auth.js';
import { startAdminServer, type AdminServer } from '../../src/admin/server.js';
import { captureLogger, expectError } from './helpers.js';
import { MAIN_DESCRIPTION, createTestBackend, type TestBackend } from './test-backend.js';

const TOKEN = 'tok-UNIT-7f3e9a2c41d8b6e5';
const REALM = 'Bearer realm="otap-engine"';

async function serve(auth: AdminTokenSource, backend: TestBackend = createTestBackend()) {
  const { logger, logs } = captureLogger();
  const server = await startAdminServer({ backend, bind: '127.0.0.1:0', logger, auth });
  return { server, base: `http://${server.address}`, logs, backend, logger };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const putBody = JSON.stringify({ pipeline: MAIN_DESCRIPTION.pipeline });

describe('admin API with a bearer token', () => {
  let h: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    h = await serve(staticTokenSource(TOKEN));
  });
  afterAll(async () => {
    await h.server.close();
  });

  it('refuses a request without credentials: 401 Unauthorized with a WWW-Authenticate challenge', async () => {
    for (const path of ['/api/v1/status', '/status', '/api/v1/config', '/api/v1/groups/default', '/api/v1/no-such-route']) {
      const res = await fetch(h.base + path);
      const body = await expectError(res, 401, 'Unauthorized');
      expect(body.kind).toBe('unauthorized');
      expect(res.headers.get('www-authenticate'), path).toBe(REALM);
    }
  });

  it('refuses a wrong token with error="invalid_token", and another scheme as no credentials', async () => {
    const wrong = await fetch(`${h.base}/api/v1/status`, { headers: bearer(`${TOKEN}x`) });
    await expectError(wrong, 401, 'Unauthorized');
    expect(wrong.headers.get('www-authenticate')).toBe(`${REALM}, error="invalid_token"`);

    const prefix = await fetch(`${h.base}/api/v1/status`, { headers: bearer(TOKEN.slice(0, -1)) });
    expect(prefix.status).toBe(401);
    const empty = await fetch(`${h.base}/api/v1/status`, { headers: { authorization: 'Bearer' } });
    expect(empty.status).toBe(401);

    const basic = await fetch(`${h.base}/api/v1/status`, {
      headers: { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` },
    });
    await expectError(basic, 401, 'Unauthorized');
    expect(basic.headers.get('www-authenticate')).toBe(REALM);
  });

  it('serves every endpoint to the right token (the scheme name in any case)', async () => {
    for (const path of ['/api/v1/status', '/status', '/api/v1/config', '/api/v1/groups/default']) {
      expect((await fetch(h.base + path, { headers: bearer(TOKEN) })).status, path).toBe(200);
    }
    expect((await fetch(`${h.base}/api/v1/status`, { headers: { authorization: `bearer ${TOKEN}` } })).status).toBe(200);
    // Authenticated, an unknown route is the ordinary 404 again.
    await expectError(await fetch(`${h.base}/api/v1/no-such-route`, { headers: bearer(TOKEN) }), 404, 'RouteNotFound');
  });

  it('keeps the probes open, however the router would spell them', async () => {
    for (const path of ['/api/v1/livez', '/api/v1/readyz', '/api/v1/readyz/', '/api/v1/LIVEZ']) {
      const res = await fetch(h.base + path);
      expect(res.status, path).toBe(200);
      expect(((await res.json()) as { status: string }).status).toBe('ok');
    }
  });

  it('lets a mutating request through only with the token; a refused one reaches nothing', async () => {
    h.backend.reset();
    const put = (headers: Record<string, string>) =>
      fetch(`${h.base}/api/v1/groups/default/pipelines/main`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...headers },
        body: putBody,
      });
    expect((await put({})).status).toBe(401);
    expect((await put(bearer('nope'))).status).toBe(401);
    const post = await fetch(`${h.base}/api/v1/groups/default/pipelines/main/shutdown`, { method: 'POST' });
    expect(post.status).toBe(401);
    expect(h.backend.calls).toEqual([]);

    expect((await put(bearer(TOKEN))).status).toBe(202);
    expect(h.backend.calls.map((c) => c.method)).toEqual(['putPipeline']);
  });

  it('refuses before reading the body: a body over the size limit gets 401, not 413, and the connection is closed', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024, 0x20);
    const keepAlive = new Agent({ keepAlive: true });
    const answer = await new Promise<{ status: number; connection: string | undefined; auth: string | undefined }>((resolve, reject) => {
      const url = new URL(h.base);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: 'PUT',
          path: '/api/v1/groups/default/pipelines/main',
          headers: { 'content-type': 'application/json', 'content-length': big.length },
          // A keep-alive client: the server, not the client, must be the one that ends the connection.
          agent: keepAlive,
        },
        (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, auth: res.headers['www-authenticate'] });
        },
      );
      // The server may close the socket before the whole body is written: that is the point, not a failure.
      req.on('error', (err: NodeJS.ErrnoException) => (['EPIPE', 'ECONNRESET'].includes(err.code ?? '') ? undefined : reject(err)));
      req.end(big);
    });
    keepAlive.destroy();
    expect(answer).toEqual({ status: 401, connection: 'close', auth: REALM });
  });

  it('never logs the token, whichever way it was sent', async () => {
    await fetch(`${h.base}/api/v1/status`, { headers: bearer(TOKEN) });
    await fetch(`${h.base}/api/v1/status`, { headers: bearer(`${TOKEN}-wrong`) });
    await fetch(`${h.base}/api/v1/status?token=${TOKEN}`, { headers: bearer(TOKEN) });
    const logged = JSON.stringify(h.logs);
    expect(h.logs.some((l) => l.msg === 'admin request' && l.status === 401)).toBe(true);
    expect(logged).not.toContain(TOKEN);
  });
});

describe('admin token from a file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'otap-admin-token-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses a rotated token at once, old one refused; an unreadable file refuses everyone and is logged once', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'first-token-a1b2c3\n');
    const { logger, logs } = captureLogger();
    const h = await serve(fileTokenSource(file, logger));
    const status = (token: string) => fetch(`${h.base}/api/v1/status`, { headers: bearer(token) }).then((r) => r.status);
    try {
      expect(await status('first-token-a1b2c3')).toBe(200);

      // The Kubernetes way: a new file renamed over the old one.
      writeFileSync(join(dir, 'next'), 'second-token-d4e5f6');
      renameSync(join(dir, 'next'), file);
      expect(await status('second-token-d4e5f6')).toBe(200);
      expect(await status('first-token-a1b2c3')).toBe(401);

      rmSync(file);
      expect(await status('second-token-d4e5f6')).toBe(401);
      expect(await status('second-token-d4e5f6')).toBe(401);
      expect(logs.filter((l) => l.msg === 'admin token file unusable: refusing every admin request')).toHaveLength(1);
      expect((await fetch(`${h.base}/api/v1/livez`)).status).toBe(200);

      writeFileSync(file, 'third-token-0a9b8c');
      expect(await status('third-token-0a9b8c')).toBe(200);
      expect(JSON.stringify(logs)).not.toMatch(/first-token|second-token|third-token/);
    } finally {
      await h.server.close();
    }
  });
});
