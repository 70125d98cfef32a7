// Bad input of every sort gets the registry's JSON error body and the security headers, and never takes the server
// down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBackend } from './test-backend.js';
import { expectError, expectSecurityHeaders, rawRequest, rawSocket, startHarness, type Harness } from './helpers.js';

let h: Harness;
let small: Harness;
beforeAll(async () => {
  h = await startHarness(createTestBackend());
  small = await startHarness(createTestBackend(), 256);
});
afterAll(async () => {
  await h.server.close();
  await small.server.close();
});

const PIPE = '/api/v1/groups/default/pipelines/main';
const VALID = JSON.stringify({ pipeline: { nodes: {}, connections: [] } });

function put(body: string | Blob | null, headers: Record<string, string> = { 'content-type': 'application/json' }, query = '', base = h.base) {
  return fetch(`${base}${PIPE}${query}`, { method: 'PUT', headers, body });
}

describe('request bodies', () => {
  it('malformed JSON answers 400 MalformedJson', async () => {
    await expectError(await put('{"pipeline": '), 400, 'MalformedJson');
    // strict: a bare JSON string is not a request body
    await expectError(await put('"x"'), 400, 'MalformedJson');
  });

  it('a body over the limit answers 413 PayloadTooLarge, with or without Content-Length', async () => {
    const big = JSON.stringify({ pipeline: { description: 'x'.repeat(1024 * 1024 + 10) } });
    const body = await expectError(await put(big), 413, 'PayloadTooLarge');
    expect(body.details).toMatchObject({ limitBytes: 1024 * 1024 });
    const chunks = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 40; i++) c.enqueue(new TextEncoder().encode('x'.repeat(64 * 1024)));
        c.close();
      },
    });
    const res = await fetch(h.base + PIPE, {
      method: 'PUT', headers: { 'content-type': 'application/json' }, body: chunks, duplex: 'half',
    } as RequestInit);
    await expectError(res, 413, 'PayloadTooLarge');
  });

  it('the body limit is configurable', async () => {
    await expectError(await put(JSON.stringify({ pipeline: { description: 'y'.repeat(300) } }), undefined, '', small.base), 413, 'PayloadTooLarge');
    expect((await put(VALID, undefined, '', small.base)).status).toBe(202);
  });

  it('a body that is not application/json answers 415 UnsupportedMediaType', async () => {
    await expectError(await put(VALID, { 'content-type': 'text/plain' }), 415, 'UnsupportedMediaType');
    await expectError(await put(VALID, { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'UnsupportedMediaType');
    await expectError(await put(new Blob([VALID]), {}), 415, 'UnsupportedMediaType');
    await expectError(await put(VALID, { 'content-type': 'application/json; charset=latin-9000' }), 415, 'UnsupportedMediaType');
  });

  it('a missing or misshapen body answers 400 InvalidRequestBody with paths', async () => {
    await expectError(await put(null), 400, 'InvalidRequestBody');
    await expectError(await put('[]'), 400, 'InvalidRequestBody');
    const body = await expectError(await put(JSON.stringify({ pipeline: 3, stepTimeoutSecs: -1, extra: true })), 400, 'InvalidRequestBody');
    const paths = (body.details as { errors: Array<{ path: string }> }).errors.map((e) => e.path).sort();
    expect(paths).toEqual(['extra', 'pipeline', 'stepTimeoutSecs']);
  });

  it('bad query parameters answer 400 InvalidQueryParameter', async () => {
    for (const q of ['?wait=maybe', '?timeout_secs=-3', '?bogus=1', '?wait=true&wait=false', '?dry_run=1.5']) {
      await expectError(await put(VALID, undefined, q), 400, 'InvalidQueryParameter');
    }
  });

  it('a valid PUT reaches the backend', async () => {
    const res = await put(VALID, undefined, '?wait=false&timeout_secs=5&dry_run=false');
    expect(res.status).toBe(202);
    expectSecurityHeaders(res.headers);
  });
});

describe('routes and methods', () => {
  it('unknown routes answer 404 RouteNotFound as JSON', async () => {
    // `/` is the web console's page (docs/console.md); a file the console does not have is an unknown route.
    for (const path of ['/console/nope.js', '/nope', '/api/v1/nope', '/api/v2/status', '/api/v1/groups/default/pipelines', '/api/v1/groups/default/pipelines/main/nope']) {
      const body = await expectError(await fetch(h.base + path), 404, 'RouteNotFound');
      expect(body.kind).toBe('invalid_request');
    }
    await expectError(await fetch(`${h.base}/nope`, { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } }), 404, 'RouteNotFound');
  });

  it('other methods on known paths answer 405 with Allow', async () => {
    const cases: Array<[string, string, string]> = [
      ['DELETE', '/api/v1/status', 'GET, HEAD, OPTIONS'],
      ['POST', '/status', 'GET, HEAD, OPTIONS'],
      ['PUT', '/api/v1/config', 'GET, HEAD, OPTIONS'],
      ['PATCH', PIPE, 'GET, HEAD, PUT, DELETE, OPTIONS'],
      ['DELETE', `${PIPE}/status`, 'GET, HEAD, OPTIONS'],
      ['PUT', '/api/v1/groups/default', 'GET, HEAD, POST, DELETE, OPTIONS'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await fetch(h.base + path, { method, headers: { 'content-type': 'application/json' }, body: '{"broken' });
      expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
      const body = await expectError(res, 405, 'MethodNotAllowed');
      expect(body.details).toEqual({ method, allowed: allow.split(', ') });
    }
  });
});

describe('path parameters', () => {
  async function raw400(path: string, parameter?: string): Promise<void> {
    const res = await rawRequest(h.base, 'GET', path);
    expect(res.status, path).toBe(400);
    expectSecurityHeaders(res.headers);
    const body = JSON.parse(res.body) as { error_code: string; kind: string; details: Record<string, unknown> };
    expect(body.error_code, path).toBe('InvalidPathParameter');
    expect(body.kind).toBe('invalid_request');
    if (parameter) expect(body.details.parameter).toBe(parameter);
  }

  it('dot segments, unicode, slashes and bad encodings are refused with 400', async () => {
    await raw400('/api/v1/groups/..', 'group');
    await raw400('/api/v1/groups/.', 'group');
    await raw400('/api/v1/groups/%2e%2e/pipelines/main', 'group');
    await raw400('/api/v1/groups/default/pipelines/..', 'pipeline');
    await raw400('/api/v1/groups/default/pipelines/%2E%2E/status', 'pipeline');
    await raw400('/api/v1/groups/%C3%A9t%C3%A9', 'group');
    await raw400('/api/v1/groups/%F0%9F%94%A5/pipelines/main', 'group');
    await raw400('/api/v1/groups/a%2Fb', 'group');
    await raw400('/api/v1/groups/-lead', 'group');
    await raw400('/api/v1/groups/a%20b', 'group');
    await raw400('/api/v1/groups/%00', 'group');
    await raw400('/api/v1/groups/%E0%A4%A');
  });

  it('names that would reach an object prototype are refused with 400', async () => {
    await raw400('/api/v1/groups/__proto__', 'group');
    await raw400('/api/v1/groups/default/pipelines/__proto__', 'pipeline');
    await raw400('/api/v1/groups/default/pipelines/constructor/status', 'pipeline');
  });

  it('ids longer than 128 characters are refused, and not echoed whole', async () => {
    await expectError(await fetch(`${h.base}/api/v1/groups/${'a'.repeat(128)}`), 404, 'GroupNotFound');
    await expectError(await fetch(`${h.base}/api/v1/groups/${'a'.repeat(129)}`), 400, 'InvalidPathParameter');
    const body = await expectError(await fetch(`${h.base}/api/v1/groups/default/pipelines/${'p'.repeat(8000)}`), 400, 'InvalidPathParameter');
    expect(body.details).toMatchObject({ parameter: 'pipeline', truncated: true });
    expect(JSON.stringify(body).length).toBeLessThan(1000);
  });
});

describe('broken HTTP', () => {
  it('an unparsable request gets a JSON 400 with the security headers straight from the socket', async () => {
    const answer = await rawSocket(h.base, 'NONSENSE \x01\x02 HTTP/9\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('X-Frame-Options: DENY');
    expect(answer).toContain('Cache-Control: no-store');
    expect(answer).toContain('"error_code":"MalformedHttpRequest"');
  });

  it('oversized headers get a JSON 431', async () => {
    const answer = await rawSocket(h.base, `GET /status HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer).toContain('"error_code":"HeadersTooLarge"');
  });

  it('the server still answers after all of the above', async () => {
    const res = await fetch(`${h.base}/api/v1/status`);
    expect(res.status).toBe(200);
  });
});
