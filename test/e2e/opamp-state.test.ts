// Acceptance (#15, with a state dir): an OpAMP agent without a configured instance_uid comes back after a restart with
// the uid it had, reports the remote config it applied before as APPLIED (its pipelines run from the state dir), and
// does not apply the same hash a second time. The reconcile a remote config started is recorded as trigger `opamp`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteConfigStatuses, type AgentToServer } from '@elastic/opamp-client-node/lib/generated/opamp_pb.js';
import { startEngine, type RunningEngine } from '../support/engine.js';
import { adminClient } from '../support/admin.js';
import { OpampTestServer } from '../support/opamp-server.js';
import { generatorPipeline } from '../support/configs.js';

const gen = generatorPipeline;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('OpAMP with a state dir', () => {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'otap-opamp-state-')), 'state');
  let server: OpampTestServer;
  let engine: RunningEngine;

  beforeAll(async () => {
    server = new OpampTestServer();
    await server.start();
  });
  afterAll(async () => {
    await engine?.stop();
    await server?.close();
  });

  const messagesSince = (from: number) => server.received.slice(from).map((r) => r.message);
  const firstFrom = (from: number) => engine.waitFor(async () => messagesSince(from)[0], 'a first message', 30_000);

  it('keeps the generated instance uid and the applied remote config across a restart', async () => {
    const extension = { endpoint: server.url('http'), heartbeat_interval: '1s', connect_retry: { initial: '100ms', max: '1s' }, request_retry: { initial: '100ms', max: '1s' } };
    const config = { version: 'otel_dataflow/v1', engine: { controller: { extensions: { opamp: { type: 'urn:otel:extension:opamp', config: extension } } } }, groups: { default: { pipelines: { keep: gen(10) } } } };
    engine = await startEngine(JSON.stringify(config), ['--state-dir', stateDir]);
    const configFile = engine.configFile;
    await engine.waitRunning('default:keep');
    const uid = hex((await firstFrom(0)).instanceUid);

    const hash = server.offer(JSON.stringify({ version: 'otel_dataflow/v1', groups: { default: { pipelines: { keep: gen(10), added: gen(5) } } } }));
    const applied = (m: AgentToServer) => m.remoteConfigStatus?.status === RemoteConfigStatuses.RemoteConfigStatuses_APPLIED && hex(m.remoteConfigStatus.lastRemoteConfigHash) === hex(hash);
    await engine.waitFor(async () => server.received.some((r) => applied(r.message)), 'APPLIED', 60_000);
    const reconcile = (await adminClient(engine.adminUrl).get('/config/reconciles/latest')).body;
    expect(reconcile.trigger).toBe('opamp');

    expect(await engine.stop()).toBe(0);
    const from = server.received.length;
    engine = await startEngine('', ['--state-dir', stateDir], {}, { configFile });
    await engine.waitRunning('default:added');
    const first = await firstFrom(from);
    expect(hex(first.instanceUid)).toBe(uid);
    expect(applied(first)).toBe(true);
    // The server still offers the same config: heard, and not applied again (no reconcile at all in this run).
    server.repeatOffer();
    await engine.waitFor(async () => messagesSince(from).length >= 3, 'heartbeats after the repeated offer', 10_000);
    expect((await adminClient(engine.adminUrl).get('/config/reconciles/latest')).status).toBe(404);
    expect(messagesSince(from).every((m) => m.remoteConfigStatus === undefined || m.remoteConfigStatus.status !== RemoteConfigStatuses.RemoteConfigStatuses_APPLYING)).toBe(true);
  }, 120_000);
});
