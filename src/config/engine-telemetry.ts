// `engine.telemetry` and `engine.observability`, field for field as upstream has them (crates/config: TelemetryConfig,
// LogsConfig, EngineObservabilityConfig). Structure and single-field rules only; what needs the whole document (one
// internal_telemetry receiver, logs enabled when a provider uses `its`) is in observability.ts. Values are kept as
// written (no defaults filled in here): engine-telemetry-settings.ts resolves them when the engine starts.
import Joi from 'joi';
import { duration, noEffect } from './common-schemas.js';
import { parseDuration } from './duration.js';
import { parseLevelDirective } from './log-level.js';
import type { LogSource } from './types.js';
import type { AttributeValue, ProviderMode } from './types.js';

export const LOG_SOURCES: readonly LogSource[] = ['global', 'engine', 'internal', 'admin'];
export const PROVIDER_MODES: readonly ProviderMode[] = ['noop', 'its', 'console_async', 'console_direct'];

/** Resource detectors this engine runs (resource-detectors.ts), by upstream's names. */
export const DETECTORS = ['service_instance', 'env', 'service_name', 'host', 'os', 'process', 'container'] as const;
/** Upstream detectors we cannot honour, with why. */
const REFUSED_DETECTORS: Readonly<Record<string, string>> = {
  k8s: 'the k8s resource detector is not implemented; set the k8s.* attributes under engine.telemetry.resource',
};

// joi refuses numbers beyond 2^53 (not exact in a double), inside upstream's i64 range.
const scalar = Joi.alternatives(Joi.string().allow(''), Joi.boolean(), Joi.number());

/** Upstream's AttributeValue: a scalar, or an array whose items share one type. */
export const attributeValue = Joi.alternatives(
  scalar,
  Joi.array()
    .items(scalar)
    .custom((items: unknown[], helpers) =>
      items.every((item) => typeof item === typeof items[0]) ? items : helpers.error('array.mixed'),
    )
    .messages({ 'array.mixed': '{{#label}} must hold values of one type' }),
);

const providerMode = Joi.string().valid(...PROVIDER_MODES);

const levelDirective = Joi.string()
  .custom((value: string, helpers) => {
    const parsed = parseLevelDirective(value);
    if (!parsed.ok) return helpers.error('string.levelDirective', { reason: parsed.message });
    if (parsed.targets.length > 0) {
      const which = parsed.targets.join(', ');
      const level = parsed.explicitLevel ? '' : '; the level of everything else is info';
      helpers.warn('otap.noEffect', { reason: `per-target directives (${which}) name upstream's Rust modules${level}` });
    }
    return value;
  })
  .messages({
    'string.levelDirective': '{{#label}} is not a level directive: {{#reason}}',
    'otap.noEffect': '{{#label}} has no effect in this engine in part: {{#reason}}',
  });

const providers = Joi.object(Object.fromEntries(LOG_SOURCES.map((source) => [source, providerMode])))
  .custom((value: Partial<Record<LogSource, ProviderMode>>, helpers) => {
    // Nodes downstream of the internal telemetry receiver writing to it would feed their own input.
    if (value.internal === 'its' || value.internal === 'console_async') return helpers.error('providers.internal', { mode: value.internal });
    // Upstream's console_async writer runs beside the admin threads and would log about itself.
    if (value.admin === 'console_async') return helpers.error('providers.admin');
    return value;
  })
  .messages({
    'providers.internal': '{{#label}}.internal cannot be {{#mode}}: the observability pipeline would feed its own logs back to itself; use noop or console_direct',
    'providers.admin': "{{#label}}.admin cannot be console_async (upstream refuses it: it would loop); use console_direct or another mode",
  });

const tap = Joi.object({
  enabled: Joi.boolean(),
  max_entries: Joi.number().integer().min(0),
  max_bytes: Joi.number().integer().min(0),
});

export const engineTelemetrySchema = Joi.object({
  reporting_channel_size: Joi.number().integer().min(1),
  reporting_interval: positiveDuration(),
  logs: Joi.object({ level: levelDirective, providers, tap }),
  resource: Joi.object().pattern(Joi.string().min(1), attributeValue),
  detectors: Joi.array()
    .items(
      Joi.string()
        .custom((value: string, helpers) => {
          if (REFUSED_DETECTORS[value]) return helpers.error('detector.refused', { reason: REFUSED_DETECTORS[value] });
          return (DETECTORS as readonly string[]).includes(value) ? value : helpers.error('detector.unknown');
        })
        .messages({
          'detector.refused': '{{#label}}: {{#reason}}',
          'detector.unknown': `{{#label}} is not a resource detector; known: ${DETECTORS.join(', ')}`,
        }),
    )
    .unique(),
});

/** A duration above zero (upstream refuses a zero interval). */
export function positiveDuration(): Joi.StringSchema {
  return duration
    .custom((value: string, helpers) => (parseDuration(value) > 0 ? value : helpers.error('duration.zero')))
    .messages({ 'duration.zero': '{{#label}} must be greater than zero' });
}

/**
 * `engine.observability`: the pipeline takes the same node and connection schema as a pipeline, and a subset of its
 * policies: upstream refuses resources (the engine places it) and runtime recovery there.
 */
export function engineObservabilitySchema(pipeline: Joi.ObjectSchema, policies: Joi.ObjectSchema): Joi.ObjectSchema {
  const refused = (why: string) => Joi.any().forbidden().messages({ 'any.unknown': `{{#label}} is not supported on the observability pipeline: ${why}` });
  const observabilityPolicies = policies.keys({
    resources: refused('the engine runs it on one core of its choice'),
    runtime_recovery: refused('it follows the engine, not a recovery policy of its own'),
    // Health policies shape status and probes, and this pipeline has neither (it is not in /status).
    health: noEffect(policies.extract('health'), 'the observability pipeline has no status or probes of its own here'),
  });
  return Joi.object({
    pipeline: Joi.object({
      policies: observabilityPolicies,
      nodes: pipeline
        .extract('nodes')
        .custom((nodes: Record<string, unknown>, helpers) => (Object.keys(nodes).length > 0 ? nodes : helpers.error('object.empty')))
        .messages({ 'object.empty': '{{#label}} must not be empty' }),
      connections: pipeline.extract('connections').optional(),
    }),
  });
}

/** The two keys `engine` takes for the engine's own telemetry; schema.ts spreads them into its `engine` object. */
export function engineTelemetryKeys(pipeline: Joi.ObjectSchema, policies: Joi.ObjectSchema): Record<'telemetry' | 'observability', Joi.Schema> {
  return { telemetry: engineTelemetrySchema, observability: engineObservabilitySchema(pipeline, policies) };
}
