// An OpAMP extension's validated config turned into what the client runs with. Files (CA, client certificate, token
// file) are read when the engine starts, so a missing or unusable one stops the start with a message naming the
// setting, before anything runs; a token file is read again at every connection, so rotating it needs no restart.
import { readFile } from 'node:fs/promises';
import tls from 'node:tls';
import { parseDuration } from '../config/duration.js';
import type { OpampBackoffConfig, OpampConfig } from '../config/controller.js';
import type { BackoffSettings } from './backoff.js';
import { parseUuid, uuidV7 } from './instance-uid.js';

export type OpampTransportKind = 'websocket' | 'http';

export interface OpampTlsMaterial {
  ca?: string[];
  cert?: string;
  key?: string;
  servername?: string;
}

export interface OpampSettings {
  /** The extension's name under engine.controller.extensions, for logs. */
  name: string;
  endpoint: URL;
  transport: OpampTransportKind;
  /** The endpoint without credentials or query, safe to log. */
  endpointForLogs: string;
  instanceUid: Uint8Array;
  /** True when instance_uid came from the config rather than being generated at this start. */
  instanceUidConfigured: boolean;
  /** True when it is the one a previous run kept in the state dir. */
  instanceUidRestored?: boolean;
  heartbeatMs: number;
  shutdownMs: number;
  connectRetry: BackoffSettings;
  requestRetry: BackoffSettings;
  identifyingAttributes: Record<string, string | number | boolean>;
  nonIdentifyingAttributes: Record<string, string | number | boolean>;
  reconcile: OpampConfig['reconcile'];
  remoteConfigKey: string;
  tls?: OpampTlsMaterial;
  /** The bearer token to present, read again at each call (a file may be rotated). A secret: never logged. */
  token?: () => Promise<string>;
}

export class OpampSettingsError extends Error {}

export async function loadOpampSettings(name: string, config: OpampConfig): Promise<OpampSettings> {
  const at = `engine.controller.extensions.${name}.config`;
  const endpoint = new URL(config.endpoint);
  const transport: OpampTransportKind = endpoint.protocol === 'ws:' || endpoint.protocol === 'wss:' ? 'websocket' : 'http';
  const token = await tokenSource(config.auth, at);
  return {
    name,
    endpoint,
    transport,
    endpointForLogs: `${endpoint.protocol}//${endpoint.host}${endpoint.pathname}`,
    instanceUid: config.instance_uid !== undefined ? parseUuid(config.instance_uid) : uuidV7(),
    instanceUidConfigured: config.instance_uid !== undefined,
    heartbeatMs: parseDuration(config.heartbeat_interval),
    shutdownMs: parseDuration(config.shutdown_timeout),
    connectRetry: backoffOf(config.connect_retry),
    requestRetry: backoffOf(config.request_retry),
    identifyingAttributes: config.agent_description?.identifying_attributes ?? {},
    nonIdentifyingAttributes: config.agent_description?.non_identifying_attributes ?? {},
    reconcile: config.reconcile,
    remoteConfigKey: config.remote_config_key,
    ...(config.tls !== undefined ? { tls: await tlsMaterial(config.tls, at) } : {}),
    ...(token !== undefined ? { token } : {}),
  };
}

function backoffOf(config: OpampBackoffConfig): BackoffSettings {
  return { initialMs: parseDuration(config.initial), maxMs: parseDuration(config.max), factor: config.factor };
}

async function tlsMaterial(config: NonNullable<OpampConfig['tls']>, at: string): Promise<OpampTlsMaterial> {
  const ownCa = config.ca_file === undefined ? undefined : await read(`${at}.tls.ca_file`, config.ca_file);
  const cert = config.cert_file === undefined ? undefined : await read(`${at}.tls.cert_file`, config.cert_file);
  const key = config.key_file === undefined ? undefined : await read(`${at}.tls.key_file`, config.key_file);
  // Node trusts either its own roots or the `ca` it is given: both, when asked to keep the system pool too.
  const ca = ownCa === undefined ? undefined : config.include_system_ca_certs_pool ? [...tls.rootCertificates, ownCa] : [ownCa];
  try {
    tls.createSecureContext({ ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) });
  } catch (error) {
    // OpenSSL's reason (no start line, key values mismatch) names the problem without quoting the key.
    throw new OpampSettingsError(`${at}.tls: the certificate files cannot be used: ${(error as Error).message}`);
  }
  return {
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(config.server_name_override !== undefined ? { servername: config.server_name_override } : {}),
  };
}

async function tokenSource(auth: OpampConfig['auth'], at: string): Promise<(() => Promise<string>) | undefined> {
  if (auth?.bearer_token !== undefined) {
    const token = auth.bearer_token;
    return () => Promise.resolve(token);
  }
  if (auth?.bearer_token_file === undefined) return undefined;
  const file = auth.bearer_token_file;
  const setting = `${at}.auth.bearer_token_file`;
  const readToken = async () => {
    const token = (await read(setting, file)).trim();
    if (!/^[\x21-\x7e]+$/.test(token)) throw new OpampSettingsError(`${setting}: the file must hold one token of printable ASCII without spaces`);
    return token;
  };
  await readToken();
  return readToken;
}

async function read(setting: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new OpampSettingsError(`${setting}: cannot read ${JSON.stringify(file)}: ${code ?? (error as Error).message}`);
  }
}
