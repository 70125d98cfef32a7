// The bearer_token_provider built-ins against real files and a real token endpoint.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTokenServer, type TokenServer } from '../support/token-server.js';
import { until } from '../pipeline/helpers/logs.js';
import { buildExtension, type Built } from './helpers.js';

let built: Built[] = [];
let idp: TokenServer | undefined;
afterEach(async () => {
  await Promise.all(built.map((b) => b.extension.stop()));
  built = [];
  await idp?.close();
  idp = undefined;
});

async function make(id: string, config: Record<string, unknown>): Promise<Built> {
  const b = await buildExtension(id, config);
  built.push(b);
  return b;
}

const tokenOf = async (b: Built) => (await b.extension.capabilities.bearer_token_provider!.token()).value;

describe('static_bearer_token', () => {
  it('serves its configured token', async () => {
    const b = await make('static_bearer_token', { token: 'abc' });
    await b.start();
    expect(await tokenOf(b)).toBe('abc');
  });
});

describe('file_bearer_token', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'otap-token-'));

  it('uses a token rotated by rename (the projected-token pattern) and one rewritten in place, at the next use', async () => {
    const path = join(dir(), 'token');
    writeFileSync(path, 'token-one\n');
    const b = await make('file_bearer_token', { path });
    await b.start();
    expect(await tokenOf(b)).toBe('token-one');
    writeFileSync(`${path}.tmp`, 'token-two');
    renameSync(`${path}.tmp`, path);
    expect(await tokenOf(b)).toBe('token-two');
    writeFileSync(path, 'token-3rd'); // same length, same inode: mtime/ctime tell
    expect(await tokenOf(b)).toBe('token-3rd');
  });

  it('cannot start without its file, and keeps the last token (saying so) when the file goes away', async () => {
    const path = join(dir(), 'token');
    const missing = await make('file_bearer_token', { path });
    await expect(missing.start()).rejects.toThrow(path);
    writeFileSync(path, 'kept');
    const b = await make('file_bearer_token', { path });
    await b.start();
    rmSync(path);
    expect(await tokenOf(b)).toBe('kept');
    expect(await tokenOf(b)).toBe('kept');
    expect(b.logs.count('token file unreadable')).toBe(1);
  });

  it('refuses an empty token file at start', async () => {
    const path = join(dir(), 'token');
    writeFileSync(path, '  \n');
    const b = await make('file_bearer_token', { path });
    await expect(b.start()).rejects.toThrow('empty');
  });
});

describe('oauth2_client_credentials', () => {
  const config = (url: string, extra: Record<string, unknown> = {}) => ({
    token_url: url,
    client_id: 'engine id',
    client_secret: 's3cr3t',
    scopes: ['logs.write', 'traces.write'],
    ...extra,
  });

  it('fetches at start with client_secret_basic and the scopes, and refreshes before the token expires', async () => {
    // Refresh due halfway through a 6 s token: 3 s of margin before it expires, even on a loaded machine.
    idp = await startTokenServer({ lifetimeSeconds: 6 });
    const b = await make('oauth2_client_credentials', config(idp.url, { expiry_buffer: '3s' }));
    await b.start();
    expect(await tokenOf(b)).toBe('tok-1');
    const [first] = idp.requests;
    expect(first?.authorization).toBe(`Basic ${Buffer.from('engine+id:s3cr3t').toString('base64')}`);
    expect(first?.form.get('scope')).toBe('logs.write traces.write');
    expect(first?.form.has('client_secret')).toBe(false);

    await until(() => idp!.requests.length >= 2, 10_000, 'a refresh');
    const refresh = idp.requests[1]!;
    expect(refresh.at).toBeLessThan(first!.expiresAt!);
    // The answer is on its way back to the extension: the new token is served once it arrived.
    let served = await tokenOf(b);
    for (let i = 0; served === 'tok-1' && i < 200; i++) {
      await new Promise((r) => setTimeout(r, 10));
      served = await tokenOf(b);
    }
    expect(served).toBe('tok-2');
  });

  it('sends the client credentials in the form with client_auth: post, and endpoint params', async () => {
    idp = await startTokenServer();
    const b = await make('oauth2_client_credentials', config(idp.url, { client_auth: 'post', endpoint_params: { audience: 'otlp' } }));
    await b.start();
    const form = idp.requests[0]!.form;
    expect([form.get('client_id'), form.get('client_secret'), form.get('audience')]).toEqual(['engine id', 's3cr3t', 'otlp']);
    expect(idp.requests[0]!.authorization).toBeUndefined();
  });

  it('retries a failing token endpoint with backoff at start', async () => {
    idp = await startTokenServer({ respond: (i) => (i < 2 ? 503 : 200) });
    const b = await make('oauth2_client_credentials', config(idp.url, { retry: { initial_backoff: '20ms' } }));
    await b.start();
    expect(idp.requests.length).toBe(3);
    expect(await tokenOf(b)).toBe('tok-1');
    expect(b.logs.count('token request failed: retrying')).toBe(2);
  });

  it('cannot start while the token endpoint is down, and says why without the secret', async () => {
    idp = await startTokenServer();
    const url = idp.url;
    await idp.close();
    idp = undefined;
    const b = await make('oauth2_client_credentials', config(url, { start_timeout: '300ms', retry: { initial_backoff: '50ms' } }));
    const failure = await b.start().then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/^no token after \d+ attempts? within 300 ms: token request to http:\/\/127\.0\.0\.1:\d+\/token failed: ECONNREFUSED$/);
    expect(JSON.stringify(b.logs.lines)).not.toContain('s3cr3t');
  });

  it('bounds the start by start_timeout even when the token endpoint never answers', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/token`;
    try {
      const b = await make('oauth2_client_credentials', config(url, { start_timeout: '300ms' }));
      await expect(b.start()).rejects.toThrow(/^no token after 1 attempt within 300 ms: token request to .* failed: no answer within \d+ ms$/);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('refuses to hand out a token that expired while refreshes fail', async () => {
    idp = await startTokenServer({ lifetimeSeconds: 1, respond: (i) => (i === 0 ? 200 : 500) });
    const b = await make('oauth2_client_credentials', config(idp.url, { retry: { initial_backoff: '50ms' } }));
    await b.start();
    expect(await tokenOf(b)).toBe('tok-1');
    await until(() => performance.now() > idp!.requests[0]!.expiresAt! + 50, 5000, 'the token to expire');
    await expect(tokenOf(b)).rejects.toThrow(/no valid bearer token: token endpoint .* answered HTTP 500: temporarily_unavailable/);
    expect(b.logs.count('token refresh failed')).toBe(1);
  });
});
