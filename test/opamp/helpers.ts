// Building blocks for the OpAMP agent's unit tests: settings as the loader makes them, ServerToAgent messages as a
// server sends them, and a quiet logger.
import pino from 'pino';
import { create } from '@bufbuild/protobuf';
import {
  AgentConfigFileSchema,
  AgentConfigMapSchema,
  AgentRemoteConfigSchema,
  ServerToAgentSchema,
  type ServerToAgent,
} from '@elastic/opamp-client-node/lib/generated/opamp_pb.js';
import type { OpampSettings } from '../../src/opamp/settings.js';
import { parseUuid } from '../../src/opamp/instance-uid.js';

export const UID = '0190a6b2-3c4d-7e5f-8a9b-0c1d2e3f4a5b';
export const quiet = pino({ level: 'silent' });

export function settings(overrides: Partial<OpampSettings> = {}): OpampSettings {
  return {
    name: 'opamp',
    endpoint: new URL('ws://127.0.0.1:1/v1/opamp'),
    transport: 'websocket',
    endpointForLogs: 'ws://127.0.0.1:1/v1/opamp',
    instanceUid: parseUuid(UID),
    instanceUidConfigured: true,
    heartbeatMs: 1000,
    shutdownMs: 500,
    connectRetry: { initialMs: 10, maxMs: 50, factor: 2 },
    requestRetry: { initialMs: 10, maxMs: 50, factor: 2 },
    identifyingAttributes: {},
    nonIdentifyingAttributes: {},
    reconcile: { step_timeout_secs: 10, drain_timeout_secs: 10, delete_timeout_secs: 10, delete_missing: true },
    remoteConfigKey: '',
    ...overrides,
  };
}

export function serverMessage(init: Parameters<typeof create<typeof ServerToAgentSchema>>[1] = {}): ServerToAgent {
  return create(ServerToAgentSchema, { instanceUid: parseUuid(UID), ...init });
}

/** A remote config carrying `body` under `key`, with `hash` as the server's hash. */
export function remoteConfig(body: string, hash: string, contentType = 'application/json', key = '') {
  return create(AgentRemoteConfigSchema, {
    configHash: new TextEncoder().encode(hash),
    config: create(AgentConfigMapSchema, { configMap: { [key]: create(AgentConfigFileSchema, { body: new TextEncoder().encode(body), contentType }) } }),
  });
}

export async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
