// Resilience: the admin API under a storm of bad requests, thousands at once: malformed JSON, wrong types, unknown
// fields, huge and deeply nested bodies, bad query values, ids with slashes, dots, `..`, unicode, NUL and prototype
// names, on every route of the OpenAPI document and with every method. Never a 5xx, never a crash, and no rejected
// request changes anything.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../support/admin.js';
import { processAlive, startEngine, type RunningEngine } from '../support/engine.js';
import { seededRandom, suiteSeed } from './support.js';

const REQUESTS = 4000;
const MUTATING = new Set(['PUT', 'POST', 'DELETE', 'PATCH']);
const CONCURRENCY = 256;

const pipelineSpec = {
  policies: { resources: { core_allocation: { type: 'core_count', count: 1 } } },
  nodes: { gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: 10, log_weight: 1 } } }, out: { type: 'exporter:noop' } },
  connections: [{ from: 'gen', to: 'out' }],
};

/** Ids no route may accept (each is refused before any lookup) — encoded as they would travel in a path. */
const BAD_IDS = [
  '..',
  '.',
  '%2e%2e',
  '%2E',
  'a%2Fb',
  'a%5Cb',
  '%C3%BCn%C3%AFc%C3%B6d%C3%A9',
  '%F0%9F%92%A9',
  '%00',
  'a%0Ab',
  '%20',
  '__proto__',
  'constructor',
  'prototype',
  'x'.repeat(300),
  '%ZZ',
  '-leading',
  'a%20b',
  'a%2F..%2Fb',
];

/** Bodies that must be refused wherever a body is read: unreadable, mistyped, or carrying what no schema allows. */
function badBodies(random: () => number): Array<{ body: string; contentType: string }> {
  const json = (value: unknown) => ({ body: JSON.stringify(value), contentType: 'application/json' });
  let nested: unknown = {};
  for (let i = 0; i < 2000; i++) nested = { a: nested };
  const deepArray = '['.repeat(50_000) + ']'.repeat(50_000);
  return [
    { body: '{"pipeline": ', contentType: 'application/json' },
    { body: '{"pipeline": {},}', contentType: 'application/json' },
    { body: 'null', contentType: 'application/json' },
    { body: '"string"', contentType: 'application/json' },
    { body: '\u0000\u0001\u0002', contentType: 'application/json' },
    { body: deepArray, contentType: 'application/json' },
    { body: JSON.stringify({ pipeline: pipelineSpec }), contentType: 'text/plain' },
    { body: JSON.stringify({ pipeline: pipelineSpec }), contentType: 'application/x-www-form-urlencoded' },
    json({ pipeline: 42 }),
    json({ pipeline: [] }),
    json({ pipeline: 'x' }),
    json({ pipeline: { ...pipelineSpec, nodes: 'x' } }),
    json({ pipeline: { ...pipelineSpec, surprise: true } }),
    json({ pipeline: pipelineSpec, surprise: true }),
    json({ pipeline: { ...pipelineSpec, nodes: { gen: { type: 'receiver:no_such_node' } } } }),
    json({ pipeline: { ...pipelineSpec, connections: [{ from: 'gen', to: 'nowhere' }] } }),
    json({ pipeline: { ...pipelineSpec, nodes: { ...pipelineSpec.nodes, gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: -1, log_weight: 1 } } } } } }),
    json({ pipeline: { ...pipelineSpec, nodes: { ...pipelineSpec.nodes, deep: nested } } }),
    json({ pipeline: JSON.parse('{"__proto__": {"polluted": true}, "nodes": {}, "connections": []}') }),
    json({ config: 42 }),
    json({ config: { version: 'otel_dataflow/v2', groups: {} } }),
    json({ config: { version: 'otel_dataflow/v1', groups: { system: { pipelines: {} } } } }),
    json({ drain_timeout_secs: 'soon' }),
    json({ drain_timeout_secs: -5 }),
    json({ deleteMissing: 'yes', config: {} }),
    // Over the 1 MiB body limit.
    json({ pipeline: { ...pipelineSpec, padding: 'z'.repeat(2 * 1024 * 1024 + Math.floor(random() * 1024)) } }),
  ];
}

const BAD_QUERIES = ['?wait=maybe', '?timeout_secs=-1', '?timeout_secs=1e9', '?dry_run=2', '?bogus=1', '?wait=true&wait=false', '?%ZZ=1', '?timeout_secs=abc&dry_run=true'];

interface Request {
  method: string;
  path: string;
  body?: { body: string; contentType: string };
}

/**
 * Sends the path exactly as written: fetch (the WHATWG URL parser) would resolve `.`, `..` and `%2e%2e` segments on the
 * client, turning `/groups/default/pipelines/..` into a real `/groups/default`, which is not what is being tested.
 */
function rawRequest(base: string, request: Request, agent: http.Agent): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const body = request.body ? Buffer.from(request.body.body) : undefined;
    const req = http.request(
      {
        hostname,
        port,
        method: request.method,
        path: request.path,
        agent,
        headers: body ? { 'content-type': request.body!.contentType, 'content-length': body.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    // A refusal may close the connection before a large body is written: the answer still counts.
    req.on('error', reject);
    req.end(body);
  });
}

/** Replaces each `{param}` of a template: bad ids most of the time, else real ones (then the body or query is bad). */
function buildPath(template: string, random: () => number, realIds: Record<string, string>): { path: string; allReal: boolean } {
  let allReal = true;
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (random() < 0.7 || realIds[name] === undefined) {
      allReal = false;
      return BAD_IDS[Math.floor(random() * BAD_IDS.length)]!;
    }
    return realIds[name]!;
  });
  return { path, allReal };
}

describe('admin API fuzzing', () => {
  let engine: RunningEngine;
  let api: ReturnType<typeof adminClient>;
  beforeAll(async () => {
    engine = await startEngine(JSON.stringify({ version: 'otel_dataflow/v1', groups: { default: { pipelines: { main: pipelineSpec } } } }));
    api = adminClient(engine.adminUrl);
    await engine.waitRunning();
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('answers thousands of concurrent bad requests without a 5xx, a crash or a change', async () => {
    const random = seededRandom(suiteSeed('admin-fuzz'));
    const document = (await api.get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    // A stream (server-sent events) never ends, so a worker would wait on it forever; test/admin/status-stream.test.ts
    // covers that route.
    const templates = Object.entries(document.paths)
      .filter(([, operations]) => !JSON.stringify(operations).includes('text/event-stream'))
      .map(([template]) => template);
    expect(templates.length).toBeGreaterThan(10);
    const realIds = { group: 'default', pipeline: 'main', rolloutId: 'rollout-1', shutdownId: 'shutdown-1', reconcileId: 'latest' };
    const bodies = badBodies(random);
    const methods = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];

    const before = { config: (await api.get('/config')).body, status: await engine.status() };
    const requests: Request[] = [];
    while (requests.length < REQUESTS) {
      const template = templates[Math.floor(random() * templates.length)]!;
      const method = methods[Math.floor(random() * methods.length)]!;
      const { path, allReal } = buildPath(template, random, realIds);
      const mutating = MUTATING.has(method);
      if (mutating && allReal) {
        // A real target takes a bad body and a bad query, so that the request is refused for sure. Routes that read
        // neither (DELETE, start) would act on a real target: those stay on bad ids only.
        if (method === 'DELETE' || path.endsWith('/start') || /\/groups\/[^/]+$/.test(path)) continue;
        const body = bodies[Math.floor(random() * bodies.length)]!;
        const query = BAD_QUERIES[Math.floor(random() * BAD_QUERIES.length)]!;
        requests.push({ method, path: `${path}${query}`, body });
        continue;
      }
      const body = mutating && random() < 0.8 ? bodies[Math.floor(random() * bodies.length)] : undefined;
      const query = random() < 0.3 ? BAD_QUERIES[Math.floor(random() * BAD_QUERIES.length)]! : '';
      requests.push({ method, path: `${path}${query}`, ...(body ? { body } : {}) });
    }

    const statuses = new Map<number, number>();
    const serverErrors: string[] = [];
    const accepted: string[] = [];
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const request = requests[next++]!;
        const { status, text } = await rawRequest(engine.adminUrl, request, agent).catch((error: unknown) => ({ status: 0, text: String(error) }));
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500 || status === 0) serverErrors.push(`${request.method} ${request.path.slice(0, 120)} → ${status} ${text.slice(0, 200)}`);
        // Every change request here is bad: one that was accepted changed something, even if a later one undid it.
        if (status >= 200 && status < 300 && MUTATING.has(request.method)) accepted.push(`${request.method} ${request.path.slice(0, 120)} → ${status}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    agent.destroy();
    console.log(`admin-fuzz: ${requests.length} requests, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);

    expect(serverErrors).toEqual([]);
    expect(accepted).toEqual([]);
    expect(processAlive(engine.pid)).toBe(true);
    // Nothing changed: the committed config, the pipelines, their generations and their processes.
    expect((await api.get('/config')).body).toEqual(before.config);
    const after = await engine.status();
    expect(Object.keys(after.pipelines)).toEqual(Object.keys(before.status.pipelines));
    const main = after.pipelines['default:main']!;
    const mainBefore = before.status.pipelines['default:main']!;
    expect(main.activeGeneration).toBe(mainBefore.activeGeneration);
    expect(main.instances.map((i) => i.pid)).toEqual(mainBefore.instances.map((i) => i.pid));
    expect(main.deploymentStatus).toBe('running');
    // And the API still works.
    expect((await api.put('default', 'main', pipelineSpec)).status).toBe(200);
  });
});
