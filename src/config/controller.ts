// `engine.controller.extensions`: engine-wide extensions (upstream's OpAMP client). Validated field by field with
// upstream's names and defaults, so an upstream config is judged correctly; running one is refused at start until
// the engine has an OpAMP client (CONTRACT: a field accepted but not acted on is an error, never silently ignored).
import Joi from 'joi';
import { durationDefaulting, duration } from './common-schemas.js';
import { configError, configWarning, type ConfigError, type ConfigWarning } from './errors.js';
import { validateWithJoi } from './joi-errors.js';
import type { EngineConfig } from './types.js';
import type { CoreCheck } from './model.js';
import { parseComponentUrn } from './urn.js';
import { notSupportedType } from './nodes.js';

export const OPAMP_URN = 'urn:otel:extension:opamp';

const backoff = Joi.object({
  initial: duration.required(),
  max: duration.required(),
  factor: Joi.number().greater(0).default(2),
});

const attributeValue = Joi.alternatives(Joi.string().allow(''), Joi.number(), Joi.boolean());
const attributes = Joi.object().pattern(Joi.string().min(1), attributeValue);

const UUID = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

export const opampConfigSchema = Joi.object({
  instance_uid: Joi.string().pattern(UUID, 'UUID'),
  endpoint: Joi.string()
    .uri({ scheme: ['ws', 'wss', 'http'] })
    .required()
    .custom((value: string, helpers) =>
      value.startsWith('http:') ? helpers.error('any.invalid', { reason: 'OpAMP over plain HTTP is not supported; use ws://' }) : value,
    )
    .messages({ 'any.invalid': '{{#label}}: {{#reason}}' }),
  connect_retry: backoff.default({ initial: '250ms', max: '15000ms', factor: 2 }),
  request_retry: backoff.default({ initial: '250ms', max: '15000ms', factor: 2 }),
  shutdown_timeout: durationDefaulting('2s'),
  heartbeat_interval: durationDefaulting('30s'),
  agent_description: Joi.object({ identifying_attributes: attributes, non_identifying_attributes: attributes }),
  reconcile: Joi.object({
    step_timeout_secs: Joi.number().integer().min(0).default(10),
    drain_timeout_secs: Joi.number().integer().min(0).default(10),
    delete_timeout_secs: Joi.number().integer().min(0).default(10),
    delete_missing: Joi.boolean().default(true),
  }).default(),
  remote_config_key: Joi.string().allow('').default(''),
});

/**
 * Each controller extension's type must be one this engine knows, and its config must pass that type's schema. A valid
 * one still cannot run (no OpAMP client yet): refused when the engine is about to run the config, a warning otherwise.
 */
export function checkControllerExtensions(
  config: EngineConfig,
  coreCheck: CoreCheck,
): { errors: ConfigError[]; warnings: ConfigWarning[] } {
  const errors: ConfigError[] = [];
  const warnings: ConfigWarning[] = [];
  for (const [name, spec] of Object.entries(config.engine?.controller?.extensions ?? {})) {
    const path = ['engine', 'controller', 'extensions', name];
    const parsed = parseComponentUrn(spec.type);
    if (!parsed.ok) {
      errors.push(configError([...path, 'type'], 'InvalidExtensionType', parsed.message));
      continue;
    }
    if (parsed.value.urn !== OPAMP_URN) {
      errors.push(configError([...path, 'type'], 'UnknownExtensionType', notSupportedType(parsed.value.urn, 'controller extensions', [OPAMP_URN])));
      continue;
    }
    const checked = validateWithJoi(opampConfigSchema, spec.config ?? {}, [...path, 'config']);
    if (!checked.ok) errors.push(...checked.errors);
    warnings.push(...checked.warnings);
    if (coreCheck === 'enforce') errors.push(configError(path, 'NodeUnavailable', NO_OPAMP_CLIENT));
    else warnings.push(configWarning(path, `${NO_OPAMP_CLIENT}; the engine refuses to run it`));
  }
  return { errors, warnings };
}

const NO_OPAMP_CLIENT =
  'the OpAMP controller extension is validated but this engine has no OpAMP client yet; ' +
  'remove engine.controller to run, and manage the engine through its admin API';
