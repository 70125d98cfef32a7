// The agent's session against a test double of the control plane's commands: what each AgentToServer carries, what a
// ServerToAgent makes it do, and how a remote config goes through the reconcile (once per hash, waiting for busy
// pipelines, superseded by a newer one, refused with the reason when it cannot be read or validated).
import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import {
  RemoteConfigStatuses,
  RetryInfoSchema,
  ServerErrorResponseSchema,
  ServerErrorResponseType,
  ServerToAgentFlags,
  AgentIdentificationSchema,
} from '@elastic/opamp-client-node/lib/generated/opamp_pb.js';
import { AgentSession } from '../../src/opamp/session.js';
import { formatUuid, parseUuid } from '../../src/opamp/instance-uid.js';
import { CONFIG, RECONCILE, createTestBackend } from '../admin/test-backend.js';
import { quiet, remoteConfig, serverMessage, settings, until, UID } from './helpers.js';

const DOC = JSON.stringify({ version: 'otel_dataflow/v1', groups: {} });

function sessionWith(backend = createTestBackend(), overrides = {}) {
  let changes = 0;
  const session = new AgentSession({ settings: settings(overrides), controlPlane: backend, logger: quiet, onChange: () => (changes += 1) });
  return { session, backend, changes: () => changes };
}

const reconciles = (backend: ReturnType<typeof createTestBackend>) => backend.calls.filter((c) => c.method === 'reconcile');
const succeeded = { kind: 'succeeded' as const, reconcile: { ...RECONCILE, state: 'succeeded' as const } };

describe('AgentSession messages', () => {
  it('reports everything first, then only what changed, numbering every message', () => {
    let config = CONFIG;
    const backend = createTestBackend({ committedConfig: () => config });
    const { session } = sessionWith(backend);
    const first = session.compose();
    expect(first.sequenceNum).toBe(0n);
    expect(formatUuid(first.instanceUid)).toBe(UID);
    expect(first.agentDescription).toBeDefined();
    expect(first.customCapabilities?.capabilities).toEqual(['io.opentelemetry.otap-dfe.pipeline-status/v1']);
    expect(JSON.parse(new TextDecoder().decode(first.effectiveConfig!.configMap!.configMap.state!.body))).toEqual(CONFIG);
    expect(first.remoteConfigStatus?.status).toBe(RemoteConfigStatuses.RemoteConfigStatuses_UNSET);
    expect(first.health?.componentHealthMap.default?.componentHealthMap.main?.status).toBe('running');

    const second = session.compose();
    expect(second.sequenceNum).toBe(1n);
    expect([second.agentDescription, second.effectiveConfig]).toEqual([undefined, undefined]);
    expect(second.health).toBeDefined();

    config = { ...CONFIG, groups: { other: { pipelines: {} } } };
    expect(session.compose().effectiveConfig).toBeDefined();
    session.beginSession();
    const afterReconnect = session.compose();
    expect([afterReconnect.agentDescription, afterReconnect.effectiveConfig].every((f) => f !== undefined)).toBe(true);
    expect(session.compose({ disconnect: true }).agentDisconnect).toBeDefined();
  });

  it('ignores messages for another instance, and follows the flags and identity the server sends', () => {
    const { session } = sessionWith();
    session.compose();
    const other = serverMessage({ instanceUid: parseUuid('0190a6b2-0000-7000-8000-000000000000'), flags: BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState) });
    expect(session.handle(other).kind).toBe('ignored');
    expect(session.compose().agentDescription).toBeUndefined();

    expect(session.handle(serverMessage({ instanceUid: new Uint8Array(), flags: BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState) }))).toEqual({ kind: 'handled', replyNow: true });
    expect(session.compose().agentDescription).toBeDefined();

    const renamed = '0190a6b2-1111-7222-8333-444455556666';
    expect(session.handle(serverMessage({ agentIdentification: create(AgentIdentificationSchema, { newInstanceUid: parseUuid(renamed) }) }))).toEqual({ kind: 'handled', replyNow: true });
    expect(session.instanceUid).toBe(renamed);
    const after = session.compose();
    expect(formatUuid(after.instanceUid)).toBe(renamed);
    expect(after.agentDescription?.identifyingAttributes.find((kv) => kv.key === 'service.instance.id')?.value?.value.value).toBe(renamed);
  });

  it('backs off on Unavailable (with the retry the server asked for) and ignores other error responses', () => {
    const { session } = sessionWith();
    const retry = create(RetryInfoSchema, { retryAfterNanoseconds: 2_500_000_000n });
    const unavailable = create(ServerErrorResponseSchema, { type: ServerErrorResponseType.ServerErrorResponseType_Unavailable, Details: { case: 'retryInfo', value: retry } });
    expect(session.handle(serverMessage({ errorResponse: unavailable }))).toEqual({ kind: 'unavailable', retryAfterMs: 2500 });
    const bad = create(ServerErrorResponseSchema, { type: ServerErrorResponseType.ServerErrorResponseType_BadRequest, errorMessage: 'no' });
    expect(session.handle(serverMessage({ errorResponse: bad }))).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/BadRequest.*no/) });
  });
});

describe('AgentSession remote config', () => {
  it('applies a config through the reconcile once per hash: APPLYING, then APPLIED', async () => {
    const { session, backend, changes } = sessionWith(createTestBackend(), { reconcile: { step_timeout_secs: 7, drain_timeout_secs: 8, delete_timeout_secs: 9, delete_missing: false } });
    backend.script('reconcile', succeeded);
    session.handle(serverMessage({ remoteConfig: remoteConfig(DOC, 'h1') }));
    expect(session.compose().remoteConfigStatus?.status).toBe(RemoteConfigStatuses.RemoteConfigStatuses_APPLYING);
    await until(() => session.remoteConfig.status.state === 'applied', 'applied');
    const applied = session.compose().remoteConfigStatus!;
    expect([applied.status, new TextDecoder().decode(applied.lastRemoteConfigHash)]).toEqual([RemoteConfigStatuses.RemoteConfigStatuses_APPLIED, 'h1']);
    expect(reconciles(backend)[0]!.args[0]).toEqual({ config: JSON.parse(DOC), deleteMissing: false, trigger: 'opamp', stepTimeoutSecs: 7, drainTimeoutSecs: 8, deleteTimeoutSecs: 9 });
    expect(changes()).toBe(2);
    session.handle(serverMessage({ remoteConfig: remoteConfig(DOC, 'h1') }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reconciles(backend)).toHaveLength(1);
  });

  it('waits for a busy pipeline, and drops a waiting config for a newer one', async () => {
    const { session, backend } = sessionWith();
    const busy = { kind: 'busy' as const, operation: { type: 'rollout' as const, id: 'rollout-9' } };
    backend.script('reconcile', busy, busy, succeeded);
    session.handle(serverMessage({ remoteConfig: remoteConfig(DOC, 'old') }));
    await until(() => reconciles(backend).length >= 1, 'a first attempt');
    session.handle(serverMessage({ remoteConfig: remoteConfig(DOC.replace('{}', '{"g":{"pipelines":{}}}'), 'new') }));
    await until(() => session.remoteConfig.status.state === 'applied', 'applied');
    expect(new TextDecoder().decode(session.remoteConfig.status.hash)).toBe('new');
    expect(reconciles(backend).at(-1)!.args[0]).toMatchObject({ config: { groups: { g: { pipelines: {} } } } });
  });

  it('reports FAILED with the reason when the config is invalid, unreadable or under another key', async () => {
    const { session, backend } = sessionWith();
    backend.script('reconcile', { kind: 'invalid', errors: [{ path: 'groups.default.pipelines.x.nodes.a.type', code: 'UnknownNodeType', message: 'no such type' }] });
    session.handle(serverMessage({ remoteConfig: remoteConfig(DOC, 'bad') }));
    await until(() => session.remoteConfig.status.state === 'failed', 'failed');
    expect(session.remoteConfig.status.message).toMatch(/invalid, nothing changed:\ngroups\.default\.pipelines\.x\.nodes\.a\.type: no such type/);

    session.handle(serverMessage({ remoteConfig: remoteConfig('version: [', 'yaml', 'application/yaml') }));
    await until(() => new TextDecoder().decode(session.remoteConfig.status.hash) === 'yaml', 'the YAML refusal');
    expect(session.remoteConfig.status).toMatchObject({ state: 'failed', message: expect.stringMatching(/invalid YAML/) });

    session.handle(serverMessage({ remoteConfig: remoteConfig(DOC, 'keyed', 'application/json', 'desired_state') }));
    await until(() => new TextDecoder().decode(session.remoteConfig.status.hash) === 'keyed', 'the key refusal');
    expect(session.remoteConfig.status.message).toMatch(/no file under the key "" \(remote_config_key\); it has "desired_state"/);
    expect(reconciles(backend)).toHaveLength(1);
  });

  it('reads the config under remote_config_key, YAML by content type or JSON and YAML without one', async () => {
    const { session, backend } = sessionWith(createTestBackend(), { remoteConfigKey: 'desired_state' });
    backend.script('reconcile', succeeded, succeeded);
    session.handle(serverMessage({ remoteConfig: remoteConfig('version: otel_dataflow/v1\ngroups: {}\n', 'y', '', 'desired_state') }));
    await until(() => session.remoteConfig.status.state === 'applied', 'applied');
    session.handle(serverMessage({ remoteConfig: remoteConfig(DOC, 'j', 'application/json; charset=utf-8', 'desired_state') }));
    await until(() => reconciles(backend).length === 2 && session.remoteConfig.status.state === 'applied', 'applied twice');
    expect(reconciles(backend).map((c) => (c.args[0] as { config: unknown }).config)).toEqual([JSON.parse(DOC), JSON.parse(DOC)]);
  });
});
