// Acceptance (extensions): token providers shared by exporters and kept fresh (oauth2 refresh, file rotation), a token
// server that is down failing a rollout that then rolls back, an authorizer on receiver:otlp over HTTP and gRPC,
// extension config changes rolled out through PUT, and bad capability bindings refused with 422 at the node path.
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exportService } from '../../src/nodes/receivers/otlp/grpc-service.js';
import { SIGNALS } from '../../src/pipeline/pdata.js';
import { adminClient } from '../support/admin.js';
import { startEngine, type RunningEngine } from '../support/engine.js';
import { RawOtlpGrpcClient } from '../support/otlp-grpc-client.js';
import { logsProto, rawRequest } from '../support/otlp-requests.js';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';
import { startTokenServer } from '../support/token-server.js';
import { Scrape } from '../support/prometheus.js';

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Spec = Record<string, any>;
const ONE_CORE = { resources: { core_allocation: { type: 'core_count', count: 1 } } };
const GEN = { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: 50, max_batch_size: 5, log_weight: 1 } } };
const httpOut = (url: string, provider?: string) => ({
  type: 'exporter:otlp_http',
  config: { endpoint: url },
  ...(provider ? { capabilities: { bearer_token_provider: provider } } : {}),
});
const staticToken = (token: string) => ({ type: 'extension:static_bearer_token', config: { token } });

function yamlOf(spec: Spec): string {
  return `version: otel_dataflow/v1\ngroups:\n  default:\n    pipelines:\n      main: ${JSON.stringify(spec)}\n`;
}

async function boot(spec: Spec): Promise<{ engine: RunningEngine; api: ReturnType<typeof adminClient> }> {
  const engine = await startEngine(yamlOf(spec));
  cleanups.push(() => engine.stop());
  await engine.waitRunning();
  return { engine, api: adminClient(engine.adminUrl) };
}

async function sink(): Promise<OtlpSink> {
  const s = await startOtlpSink();
  cleanups.push(() => s.close());
  return s;
}

const bearers = (s: OtlpSink) => s.headers.map((h) => h.authorization);

/** A gRPC OTLP peer that records the `authorization` metadata of every call and accepts it. */
async function grpcPeer(): Promise<{ address: string; authorizations: string[] }> {
  const authorizations: string[] = [];
  const server = new grpc.Server();
  for (const signal of SIGNALS) {
    server.addService(exportService(signal), {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        authorizations.push(String(call.metadata.get('authorization')[0] ?? ''));
        callback(null, Buffer.alloc(0));
      },
    });
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  cleanups.push(() => server.forceShutdown());
  return { address: `127.0.0.1:${port}`, authorizations };
}

describe('token providers for exporters', () => {
  it('shares one provider between two exporters (one token fetch serves both); two extensions of one type serve their own nodes', async () => {
    const idp = await startTokenServer({ lifetimeSeconds: 3600 });
    cleanups.push(() => idp.close());
    const [viaHttp, one, two] = [await sink(), await sink(), await sink()];
    const peer = await grpcPeer();
    await boot({
      policies: ONE_CORE,
      extensions: {
        idp: { type: 'extension:oauth2_client_credentials', config: { token_url: idp.url, client_id: 'engine', client_secret: 'cs' } },
        one: staticToken('token-one'),
        two: staticToken('token-two'),
      },
      nodes: {
        gen: GEN,
        http: httpOut(viaHttp.url, 'idp'),
        grpc: { type: 'exporter:otlp_grpc', config: { grpc_endpoint: peer.address }, capabilities: { bearer_token_provider: 'idp' } },
        out1: httpOut(one.url, 'one'),
        out2: httpOut(two.url, 'two'),
      },
      connections: [{ from: 'gen', to: ['http', 'grpc', 'out1', 'out2'] }],
    });
    await viaHttp.waitFor(() => viaHttp.requests >= 3 && peer.authorizations.length >= 3 && one.requests >= 3 && two.requests >= 3);
    expect(idp.requests).toHaveLength(1);
    expect(new Set(bearers(viaHttp))).toEqual(new Set(['Bearer tok-1']));
    expect(new Set(peer.authorizations)).toEqual(new Set(['Bearer tok-1']));
    expect(new Set(bearers(one))).toEqual(new Set(['Bearer token-one']));
    expect(new Set(bearers(two))).toEqual(new Set(['Bearer token-two']));
  });

  it('refreshes an oauth2 token before it expires, and exports carry the new one without a restart', async () => {
    // Refresh due halfway through a 6 s token: 3 s of margin before it expires, even on a loaded machine.
    const idp = await startTokenServer({ lifetimeSeconds: 6 });
    cleanups.push(() => idp.close());
    const out = await sink();
    const { engine } = await boot({
      policies: ONE_CORE,
      extensions: {
        idp: {
          type: 'extension:oauth2_client_credentials',
          config: { token_url: idp.url, client_id: 'engine', client_secret: 'cs', expiry_buffer: '3s' },
        },
      },
      nodes: { gen: GEN, out: httpOut(out.url, 'idp') },
      connections: [{ from: 'gen', to: 'out' }],
    });
    const pids = (await engine.pipeline()).instances.map((i) => i.pid);
    await out.waitFor(() => bearers(out).includes('Bearer tok-2'), 15_000);
    const [first, refresh] = idp.requests;
    expect(refresh!.at).toBeLessThan(first!.expiresAt!);
    expect((await engine.pipeline()).instances.map((i) => i.pid)).toEqual(pids);
  });

  it('uses a token file rotated on disk for the next export, without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otap-e2e-token-'));
    const path = join(dir, 'token');
    writeFileSync(path, 'file-token-1\n');
    const out = await sink();
    const { engine } = await boot({
      policies: ONE_CORE,
      extensions: { projected: { type: 'extension:file_bearer_token', config: { path } } },
      nodes: { gen: GEN, out: httpOut(out.url, 'projected') },
      connections: [{ from: 'gen', to: 'out' }],
    });
    const before = await engine.pipeline();
    await out.waitFor(() => out.requests >= 2);
    writeFileSync(join(dir, '.token.new'), 'file-token-2\n');
    renameSync(join(dir, '.token.new'), path);
    const rotatedAt = out.requests;
    await out.waitFor(() => bearers(out).includes('Bearer file-token-2'));
    // The one export in flight during the rename (its token already read) may carry the old token; the next one
    // carries the new token, and so does every one after it.
    const firstNew = bearers(out).indexOf('Bearer file-token-2');
    expect(firstNew).toBeGreaterThanOrEqual(rotatedAt);
    expect(firstNew).toBeLessThanOrEqual(rotatedAt + 1);
    await out.waitFor(() => out.requests >= firstNew + 3);
    expect(new Set(bearers(out).slice(firstNew))).toEqual(new Set(['Bearer file-token-2']));
    const after = await engine.pipeline();
    expect(after.instances.map((i) => i.pid)).toEqual(before.instances.map((i) => i.pid));
    expect(after.activeGeneration).toBe(before.activeGeneration);
  });
});

describe('live changes of extensions', () => {
  it('rolls out a changed extension config; exports afterwards carry the new token', async () => {
    const out = await sink();
    const spec = (token: string) => ({
      policies: ONE_CORE,
      extensions: { token: staticToken(token) },
      nodes: { gen: GEN, out: httpOut(out.url, 'token') },
      connections: [{ from: 'gen', to: 'out' }],
    });
    const { engine, api } = await boot(spec('before-token'));
    await out.waitFor(() => out.requests >= 2);
    const dry = await api.put('default', 'main', spec('after-token'), 'dry_run=true');
    expect(dry.body).toMatchObject({ action: 'replace' });
    expect(dry.body.diff).toEqual([{ path: 'extensions.token.config.token', op: 'change', from: '***redacted***', to: '***redacted***' }]);
    const put = await api.put('default', 'main', spec('after-token'));
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ action: 'replace', state: 'succeeded' });
    const switched = out.requests;
    await out.waitFor(() => out.requests >= switched + 3);
    expect(new Set(bearers(out).slice(switched))).toEqual(new Set(['Bearer after-token']));
    const described = await api.get('/groups/default/pipelines/main');
    expect(described.status).toBe(200);
    expect(JSON.stringify(described.body)).toContain('***redacted***');
    expect(JSON.stringify(described.body)).not.toContain('after-token');
    expect(engine.lines.join('\n')).not.toMatch(/before-token|after-token/);
  });

  it('rolls back a PUT whose token server is down while the old generation keeps serving', async () => {
    const idp = await startTokenServer();
    const deadUrl = idp.url;
    await idp.close();
    const out = await sink();
    const serving = {
      policies: ONE_CORE,
      extensions: { token: staticToken('serving-token') },
      nodes: { gen: GEN, out: httpOut(out.url, 'token') },
      connections: [{ from: 'gen', to: 'out' }],
    };
    const { engine, api } = await boot(serving);
    const before = await engine.pipeline();
    const broken = {
      ...serving,
      extensions: {
        token: {
          type: 'extension:oauth2_client_credentials',
          config: { token_url: deadUrl, client_id: 'engine', client_secret: 'cs', start_timeout: '500ms', retry: { initial_backoff: '100ms' } },
        },
      },
    };
    const put = await api.put('default', 'main', broken, 'wait=true&timeout_secs=60', { stepTimeoutSecs: 20 });
    expect(put.status).toBe(409);
    const rollout = put.body;
    expect(rollout.state).toBe('failed');
    expect(rollout.failureReason).toContain('extension "token" (urn:otel:extension:oauth2_client_credentials) failed to start');
    expect(rollout.failureReason).toContain('ECONNREFUSED');
    const after = await engine.pipeline();
    expect(after.activeGeneration).toBe(before.activeGeneration);
    expect(after.deploymentStatus).toBe('running');
    const served = out.requests;
    await out.waitFor(() => out.requests >= served + 3);
    expect(new Set(bearers(out))).toEqual(new Set(['Bearer serving-token']));
  });

  it('answers 422 with the node path for an unknown extension or a capability the extension lacks', async () => {
    const out = await sink();
    const spec = (extensions: Spec, bound: string) => ({
      policies: ONE_CORE,
      extensions,
      nodes: { gen: GEN, out: httpOut(out.url, bound) },
      connections: [{ from: 'gen', to: 'out' }],
    });
    const { api } = await boot(spec({ token: staticToken('t') }, 'token'));
    const at = 'groups.default.pipelines.main.nodes.out.capabilities.bearer_token_provider';

    const unknown = await api.put('default', 'main', spec({ token: staticToken('t') }, 'tokn'));
    expect(unknown.status).toBe(422);
    expect(unknown.body.details.errors).toEqual([expect.objectContaining({ path: at, code: 'ExtensionNotFound' })]);

    const lacking = await api.put('default', 'main', spec({ token: { type: 'extension:bearer_token_authorizer', config: { tokens: ['t'] } } }, 'token'));
    expect(lacking.status).toBe(422);
    expect(lacking.body.details.errors).toEqual([expect.objectContaining({ path: at, code: 'CapabilityNotImplemented' })]);
    expect(JSON.stringify(lacking.body)).not.toMatch(/"t"/);
  });
});

describe('receiver:otlp with an authorizer', () => {
  it('refuses missing and wrong tokens (HTTP 401, gRPC UNAUTHENTICATED), counts them, and accepts the right one', async () => {
    const out = await sink();
    const { engine } = await boot({
      policies: ONE_CORE,
      extensions: { clients: { type: 'extension:bearer_token_authorizer', config: { tokens: ['good-token'], realm: 'ingest' } } },
      nodes: {
        ingest: {
          type: 'receiver:otlp',
          config: { protocols: { http: { listening_addr: '127.0.0.1:0' }, grpc: { listening_addr: '127.0.0.1:0' } } },
          capabilities: { bearer_token_authorizer: 'clients' },
        },
        out: httpOut(out.url),
      },
      connections: [{ from: 'ingest', to: 'out' }],
    });
    const { listeners } = await engine.pipeline();
    const httpUrl = `http://${listeners.find((l) => l.protocol === 'http')!.address}`;
    const body = logsProto(['secret-free record']);
    const post = (authorization?: string) =>
      rawRequest(httpUrl, {
        path: '/v1/logs',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ resourceLogs: [] }),
      });
    const missing = await post();
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="ingest"');
    expect(JSON.parse(missing.body.toString())).toEqual({ code: 16, message: 'missing or invalid credentials' });
    expect((await post('Bearer bad-token')).status).toBe(401);
    const protoRefused = await rawRequest(httpUrl, {
      path: '/v1/logs',
      headers: { 'content-type': 'application/x-protobuf', authorization: 'Bearer bad-token' },
      body,
    });
    expect(protoRefused.status).toBe(401);
    const accepted = await rawRequest(httpUrl, {
      path: '/v1/logs',
      headers: { 'content-type': 'application/x-protobuf', authorization: 'Bearer good-token' },
      body,
    });
    expect(accepted.status).toBe(200);

    const client = new RawOtlpGrpcClient(listeners.find((l) => l.protocol === 'grpc')!.address);
    cleanups.push(() => client.close());
    const withToken = (token?: string) => {
      const metadata = new grpc.Metadata();
      if (token) metadata.set('authorization', `Bearer ${token}`);
      return client.export('logs', body, metadata);
    };
    expect(await withToken()).toMatchObject({ ok: false, code: grpc.status.UNAUTHENTICATED });
    expect(await withToken('bad-token')).toMatchObject({ ok: false, code: grpc.status.UNAUTHENTICATED });
    expect(await withToken('good-token')).toEqual({ ok: true });

    await out.waitFor(() => out.logs.length >= 2);
    expect(out.logs).toEqual(['secret-free record', 'secret-free record']);
    const counters = await engine.waitFor(async () => {
      const c = (await engine.pipeline()).instances[0]?.nodes?.ingest;
      return c?.requestsUnauthorized === 5 ? c : undefined;
    }, 'requestsUnauthorized in the status', 40_000);
    expect(counters.itemsReceived).toBe(2);
    // And in the metrics, as the pipeline's total.
    const scrape = await Scrape.of(engine.adminUrl);
    expect(scrape.sum('otap_pipeline_node_requests_unauthorized_total', { group: 'default', pipeline: 'main', node: 'ingest' })).toBe(5);
    expect(scrape.all('otap_pipeline_node_requests_unauthorized_total', { node: 'out' })).toEqual([]);
  });
});
