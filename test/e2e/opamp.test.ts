// Acceptance (#15): a real engine managed by an OpAMP server written here from the spec's messages, over plain HTTP (with
// TLS, client certificates and a bearer token) and over WebSocket. The agent reports who it is, what it can do, its
// effective config (secrets redacted) and its health; a good remote config is applied through the reconcile (new
// pipeline created, unchanged ones untouched), a bad one is FAILED and changes nothing, the same hash is never applied
// twice, and a server gone for 10 s changes nothing that runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  AgentCapabilities,
  RemoteConfigStatuses,
  type AgentToServer,
  type ComponentHealth,
} from '@elastic/opamp-client-node/lib/generated/opamp_pb.js';
import { startEngine, type RunningEngine } from '../support/engine.js';
import { adminClient } from '../support/admin.js';
import { OpampTestServer } from '../support/opamp-server.js';
import { makeCertificates } from '../support/tls-certs.js';
import { generatorPipeline } from '../support/configs.js';

const TOKEN = 'opamp-test-token-7f3a9c';
const INSTANCE_UID = '0190a6b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b';

const gen = generatorPipeline;

function engineConfig(extension: Record<string, unknown>, pipelines: Record<string, unknown>) {
  return {
    version: 'otel_dataflow/v1',
    engine: { controller: { extensions: { opamp: { type: 'urn:otel:extension:opamp', config: extension } } } },
    groups: { default: { pipelines } },
  };
}

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes ?? new Uint8Array());
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const attributes = (list: NonNullable<AgentToServer['agentDescription']>['identifyingAttributes']) =>
  Object.fromEntries(list.map((kv) => [kv.key, kv.value?.value.value]));

const CASES = [
  { transport: 'http' as const, tls: true, contentType: 'application/yaml' },
  { transport: 'ws' as const, tls: false, contentType: 'application/json' },
];

describe.each(CASES)('OpAMP over $transport (TLS: $tls)', ({ transport, tls, contentType }) => {
  let server: OpampTestServer;
  let engine: RunningEngine;
  let api: ReturnType<typeof adminClient>;
  const serialise = (doc: unknown) => (contentType === 'application/json' ? JSON.stringify(doc) : stringify(doc));
  const statusOf = (hash: Uint8Array) => (m: AgentToServer) => m.remoteConfigStatus !== undefined && hex(m.remoteConfigStatus.lastRemoteConfigHash) === hex(hash);
  const waitStatus = (hash: Uint8Array, status: RemoteConfigStatuses) =>
    engine.waitFor(async () => server.received.find((r) => statusOf(hash)(r.message) && r.message.remoteConfigStatus!.status === status)?.message, `remote config ${RemoteConfigStatuses[status]}`, 60_000);

  beforeAll(async () => {
    const certs = tls ? makeCertificates() : undefined;
    server = new OpampTestServer({ token: TOKEN, ...(certs ? { tls: certs } : {}) });
    await server.start();
    const extension = {
      endpoint: server.url(transport),
      instance_uid: INSTANCE_UID,
      heartbeat_interval: '1s',
      connect_retry: { initial: '100ms', max: '1s' },
      request_retry: { initial: '100ms', max: '1s' },
      agent_description: { identifying_attributes: { 'deployment.environment': 'test' } },
      auth: { bearer_token: TOKEN },
      ...(certs ? { tls: { ca_file: certs.caCert, cert_file: certs.clientCert, key_file: certs.clientKey } } : {}),
    };
    engine = await startEngine(JSON.stringify(engineConfig(extension, { keep: gen(10) })));
    api = adminClient(engine.adminUrl);
    await engine.waitRunning('default:keep');
  }, 60_000);
  afterAll(async () => {
    await engine?.stop();
    await server?.close();
  });

  it('reports its description, capabilities, effective config (secrets redacted) and health', async () => {
    const first = await engine.waitFor(async () => server.received.find((r) => r.message.agentDescription)?.message, 'a full report', 30_000);
    expect(server.received.every((r) => r.transport === transport)).toBe(true);
    expect(Buffer.from(first.instanceUid).toString('hex')).toBe(INSTANCE_UID.replace(/-/g, ''));
    const identifying = attributes(first.agentDescription!.identifyingAttributes);
    expect(identifying).toMatchObject({ 'service.name': 'otap-engine', 'service.instance.id': INSTANCE_UID, 'deployment.environment': 'test' });
    expect(identifying['service.version']).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.keys(attributes(first.agentDescription!.nonIdentifyingAttributes))).toEqual(expect.arrayContaining(['host.name', 'os.type']));
    for (const capability of ['ReportsStatus', 'AcceptsRemoteConfig', 'ReportsEffectiveConfig', 'ReportsHealth', 'ReportsRemoteConfig', 'ReportsHeartbeat'] as const) {
      expect(first.capabilities & BigInt(AgentCapabilities[`AgentCapabilities_${capability}`]), capability).not.toBe(0n);
    }
    const effective = JSON.parse(text(server.latest('effectiveConfig')?.configMap?.configMap.state?.body));
    expect(Object.keys(effective.groups.default.pipelines)).toEqual(['keep']);
    expect(effective.engine.controller.extensions.opamp.config.auth.bearer_token).toBe('***redacted***');
    expect(server.received.some((r) => r.raw.includes(TOKEN))).toBe(false);

    const health = await engine.waitFor(async () => {
      const h = server.latest('health');
      return h?.componentHealthMap.default?.componentHealthMap.keep?.healthy ? h : undefined;
    }, 'pipeline healthy');
    const keep = health.componentHealthMap.default!.componentHealthMap.keep as ComponentHealth;
    expect([health.healthy, health.status, keep.status]).toEqual([true, 'running', 'running']);
    expect(Object.keys(keep.componentHealthMap).sort()).toEqual(['gen', 'out']);
    // Heartbeats keep coming, each carrying the health and the remote config status.
    const count = server.received.length;
    await engine.waitFor(async () => server.received.length >= count + 2, 'heartbeats', 10_000);
    expect(server.received.at(-1)!.message.remoteConfigStatus?.status).toBe(RemoteConfigStatuses.RemoteConfigStatuses_UNSET);
  });

  it('applies a good remote config through the reconcile: new pipeline runs, unchanged ones keep their generation', async () => {
    const before = await engine.pipeline('default:keep');
    const hash = server.offer(serialise({ version: 'otel_dataflow/v1', groups: { default: { pipelines: { keep: gen(10), added: gen(5) } } } }), contentType);
    await waitStatus(hash, RemoteConfigStatuses.RemoteConfigStatuses_APPLYING);
    const applied = await waitStatus(hash, RemoteConfigStatuses.RemoteConfigStatuses_APPLIED);
    expect(applied.remoteConfigStatus!.errorMessage).toBe('');
    const status = await engine.status();
    expect(status.pipelines['default:added']?.deploymentStatus).toBe('running');
    expect(status.pipelines['default:keep']!.activeGeneration).toBe(before.activeGeneration);
    expect(status.pipelines['default:keep']!.instances[0]!.pid).toBe(before.instances[0]!.pid);
    const reconcile = (await api.get('/config/reconciles/latest')).body;
    expect(Object.fromEntries(reconcile.changes.map((c: { pipelineId: string; action: string }) => [c.pipelineId, c.action]))).toEqual({ keep: 'noop', added: 'create' });
    // The effective config follows, and the same hash offered again is not applied again.
    await engine.waitFor(async () => 'added' in JSON.parse(text(server.latest('effectiveConfig')?.configMap?.configMap.state?.body)).groups.default.pipelines, 'effective config updated');
    server.repeatOffer();
    const heard = server.received.length;
    await engine.waitFor(async () => server.received.length >= heard + 2, 'messages after the repeated offer', 10_000);
    expect((await api.get('/config/reconciles/latest')).body.reconcileId).toBe(reconcile.reconcileId);
  });

  it('reports FAILED with the reason for a config that does not validate or parse, and changes nothing', async () => {
    const before = await engine.status();
    const latest = (await api.get('/config/reconciles/latest')).body.reconcileId;
    const invalid = { version: 'otel_dataflow/v1', groups: { default: { pipelines: { keep: gen(10), broken: { nodes: { a: { type: 'receiver:nope' } }, connections: [] } } } } };
    const hash = server.offer(serialise(invalid), contentType);
    const failed = await waitStatus(hash, RemoteConfigStatuses.RemoteConfigStatuses_FAILED);
    expect(failed.remoteConfigStatus!.errorMessage).toMatch(/invalid, nothing changed[\s\S]*groups\.default\.pipelines\.broken\.nodes\.a\.type/);
    const unreadable = server.offer('{ "version": ', 'application/json');
    const refused = await waitStatus(unreadable, RemoteConfigStatuses.RemoteConfigStatuses_FAILED);
    expect(refused.remoteConfigStatus!.errorMessage).toMatch(/invalid JSON/);
    const after = await engine.status();
    expect(Object.keys(after.pipelines).sort()).toEqual(Object.keys(before.pipelines).sort());
    for (const [key, pipeline] of Object.entries(after.pipelines)) expect(pipeline.instances.map((i) => i.pid)).toEqual(before.pipelines[key]!.instances.map((i) => i.pid));
    expect((await api.get('/config/reconciles/latest')).body.reconcileId).toBe(latest);
  });

  it('keeps everything running while the server is gone for 10 s, then reconnects with a full report', async () => {
    const before = await engine.status();
    await server.kill();
    const gone = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const during = await engine.status();
    const statuses = (s: typeof during) => Object.fromEntries(Object.entries(s.pipelines).map(([key, p]) => [key, p.deploymentStatus]));
    expect(statuses(during)).toEqual(statuses(before));
    await server.revive();
    const back = await engine.waitFor(async () => server.received.find((r) => r.at > gone && r.message.agentDescription)?.message, 'a full report after the outage', 30_000);
    expect(back.effectiveConfig).toBeDefined();
    const after = await engine.status();
    for (const [key, pipeline] of Object.entries(after.pipelines)) {
      expect(pipeline.activeGeneration, key).toBe(before.pipelines[key]!.activeGeneration);
      expect(pipeline.instances.map((i) => i.pid), key).toEqual(before.pipelines[key]!.instances.map((i) => i.pid));
    }
    const logged = (text: string) => engine.lines.some((l) => l.includes(text));
    expect(logged('opamp: cannot reach the server'), 'the outage logged').toBe(true);
    await engine.waitFor(async () => logged('opamp: connected again'), 'the reconnection logged', 5000);
    expect(logged(TOKEN), 'the token logged').toBe(false);
  }, 60_000);
});
