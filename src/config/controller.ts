// `engine.controller.extensions`: engine-wide extensions, of which upstream has one, its OpAMP client. Upstream's
// fields keep their names and defaults; what we add (HTTP transports, TLS, a bearer token) sits beside them. The files a
// config names (certificates, a token file) are read when the engine starts (src/opamp/settings.ts), not here, so a
// config can be checked on another machine.
import Joi from 'joi';
import { durationDefaulting, duration } from './common-schemas.js';
import { configError, type ConfigError, type ConfigWarning } from './errors.js';
import { validateWithJoi } from './joi-errors.js';
import type { EngineConfig, ExtensionSpec } from './types.js';
import { parseComponentUrn } from './urn.js';
import { notSupportedType } from './nodes.js';
import { BEARER_TOKEN_PATTERN } from './schema.js';
import { parseDuration } from './duration.js';

export const OPAMP_URN = 'urn:otel:extension:opamp';

export interface OpampBackoffConfig {
  initial: string;
  max: string;
  factor: number;
}

export type OpampAttributeValue = string | number | boolean;

/** An OpAMP extension's config with every default applied: what the client in src/opamp runs with. */
export interface OpampConfig {
  instance_uid?: string;
  endpoint: string;
  connect_retry: OpampBackoffConfig;
  request_retry: OpampBackoffConfig;
  shutdown_timeout: string;
  heartbeat_interval: string;
  agent_description?: {
    identifying_attributes?: Record<string, OpampAttributeValue>;
    non_identifying_attributes?: Record<string, OpampAttributeValue>;
  };
  reconcile: { step_timeout_secs: number; drain_timeout_secs: number; delete_timeout_secs: number; delete_missing: boolean };
  remote_config_key: string;
  /** Ours: TLS for wss:// and https:// endpoints. */
  tls?: {
    ca_file?: string;
    cert_file?: string;
    key_file?: string;
    include_system_ca_certs_pool: boolean;
    server_name_override?: string;
  };
  /** Ours: `Authorization: Bearer <token>` on every request and on the WebSocket upgrade. A secret. */
  auth?: { bearer_token?: string; bearer_token_file?: string };
}

const backoff = Joi.object({
  initial: duration.required(),
  max: duration.required(),
  factor: Joi.number().min(1).default(2),
});

const attributeValue = Joi.alternatives(Joi.string().allow(''), Joi.number(), Joi.boolean());
const attributes = Joi.object().pattern(Joi.string().min(1), attributeValue);

const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;
const path = Joi.string().trim().min(1);
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$/;

const tls = Joi.object({
  ca_file: path,
  cert_file: path,
  key_file: path,
  include_system_ca_certs_pool: Joi.boolean().default(true),
  server_name_override: Joi.string().pattern(HOSTNAME).messages({ 'string.pattern.base': '{{#label}} must be a DNS name' }),
})
  .and('cert_file', 'key_file')
  .messages({ 'object.and': '{{#label}} needs both cert_file and key_file for a client certificate, or neither' });

const auth = Joi.object({
  bearer_token: Joi.string().pattern(BEARER_TOKEN_PATTERN).messages({ 'string.pattern.base': '{{#label}} must be printable ASCII without spaces' }),
  bearer_token_file: path,
}).xor('bearer_token', 'bearer_token_file');

const positiveDuration = (fallback: string) =>
  durationDefaulting(fallback)
    .custom((value: string, helpers) => (parseDuration(value) > 0 ? value : helpers.error('otap.zero')))
    .messages({ 'otap.zero': '{{#label}} must be longer than 0' });

export const opampConfigSchema = Joi.object<OpampConfig>({
  instance_uid: Joi.string().pattern(UUID, 'UUID'),
  endpoint: Joi.string().uri({ scheme: ['ws', 'wss', 'http', 'https'] }).required(),
  connect_retry: backoff.default({ initial: '250ms', max: '15000ms', factor: 2 }),
  request_retry: backoff.default({ initial: '250ms', max: '15000ms', factor: 2 }),
  shutdown_timeout: durationDefaulting('2s'),
  heartbeat_interval: positiveDuration('30s'),
  agent_description: Joi.object({ identifying_attributes: attributes, non_identifying_attributes: attributes }),
  reconcile: Joi.object({
    step_timeout_secs: Joi.number().integer().min(0).default(10),
    drain_timeout_secs: Joi.number().integer().min(0).default(10),
    delete_timeout_secs: Joi.number().integer().min(0).default(10),
    delete_missing: Joi.boolean().default(true),
  }).default(),
  remote_config_key: Joi.string().allow('').default(''),
  tls,
  auth,
});

/** Each controller extension's type must be one this engine knows, and its config must pass that type's schema. */
export function checkControllerExtensions(config: EngineConfig): { errors: ConfigError[]; warnings: ConfigWarning[] } {
  const errors: ConfigError[] = [];
  const warnings: ConfigWarning[] = [];
  for (const [name, spec] of Object.entries(config.engine?.controller?.extensions ?? {})) {
    const at = ['engine', 'controller', 'extensions', name];
    const parsed = parseComponentUrn(spec.type);
    if (!parsed.ok) {
      errors.push(configError([...at, 'type'], 'InvalidExtensionType', parsed.message));
      continue;
    }
    if (parsed.value.urn !== OPAMP_URN) {
      errors.push(configError([...at, 'type'], 'UnknownExtensionType', notSupportedType(parsed.value.urn, 'controller extensions', [OPAMP_URN])));
      continue;
    }
    const checked = validateWithJoi<OpampConfig>(opampConfigSchema, spec.config ?? {}, [...at, 'config']);
    warnings.push(...checked.warnings);
    if (!checked.ok) {
      errors.push(...checked.errors);
      continue;
    }
    const transport = checkTransport(checked.value, [...at, 'config']);
    errors.push(...transport.errors);
    warnings.push(...transport.warnings);
  }
  return { errors, warnings };
}

/** The validated config of one OpAMP extension, defaults applied. Only for a spec that passed checkControllerExtensions. */
export function opampConfigOf(spec: ExtensionSpec): OpampConfig {
  const checked = validateWithJoi<OpampConfig>(opampConfigSchema, spec.config ?? {}, []);
  if (!checked.ok) throw new Error(`OpAMP extension config was not validated: ${checked.errors.map((e) => e.message).join('; ')}`);
  return checked.value;
}

/** The OpAMP extensions of a validated config, by name. */
export function opampExtensions(config: EngineConfig): Array<{ name: string; config: OpampConfig }> {
  return Object.entries(config.engine?.controller?.extensions ?? {})
    .filter(([, spec]) => {
      const parsed = parseComponentUrn(spec.type);
      return parsed.ok && parsed.value.urn === OPAMP_URN;
    })
    .map(([name, spec]) => ({ name, config: opampConfigOf(spec) }));
}

/** TLS settings only mean something over wss:// or https://; a token sent in clear to another host deserves a warning. */
function checkTransport(config: OpampConfig, at: string[]): { errors: ConfigError[]; warnings: ConfigWarning[] } {
  const url = new URL(config.endpoint);
  const secure = url.protocol === 'wss:' || url.protocol === 'https:';
  const errors: ConfigError[] = [];
  const warnings: ConfigWarning[] = [];
  if (config.tls !== undefined && !secure) {
    errors.push(configError([...at, 'tls'], 'InvalidValue', `"tls" applies only to wss:// and https:// endpoints, and ${config.endpoint} is plaintext`));
  }
  if (config.tls?.include_system_ca_certs_pool === false && config.tls.ca_file === undefined) {
    errors.push(configError([...at, 'tls'], 'InvalidValue', '"tls" trusts no certificate authority: with include_system_ca_certs_pool: false, set ca_file'));
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (config.auth !== undefined && !secure && !loopback) {
    warnings.push({ path: [...at, 'auth'].join('.'), message: `the bearer token travels in clear text to ${url.host}: use wss:// or https://` });
  }
  return { errors, warnings };
}
