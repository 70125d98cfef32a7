import Joi from 'joi';
import type { NodeDescriptor } from '../../../config/catalog.js';
import { noEffect } from '../../../config/common-schemas.js';
import { DEFAULT_REGISTRY_PATH, type ResourceAttributeSet, type TrafficConfig } from './config.js';
import { isOfficialRegistry, SNAPSHOT_NAME } from './semconv-catalogue.js';

/** Bytes of log bodies one template may hold (max_batch_size × log_body_size_bytes): it is copied per batch. */
export const MAX_BATCH_BODY_BYTES = 256 * 1024 * 1024;
/** Data points one metrics batch may hold (max_batch_size × num_data_points_per_metric). */
export const MAX_BATCH_POINTS = 10_000_000;
const MAX_ATTRIBUTES = 10_000;

const count = Joi.number().integer().min(0);

const trafficConfig = Joi.object({
  production_mode: Joi.string().valid('smooth', 'open').default('smooth'),
  // null (as written) means no limit; absent means upstream's default of 30.
  signals_per_second: count.allow(null).default(30),
  max_signal_count: count.allow(null).default(null),
  max_batch_size: Joi.number().integer().min(1).default(1000),
  metric_weight: count.default(0),
  trace_weight: count.default(0),
  log_weight: count.default(0),
  log_body_size_bytes: count.allow(null),
  num_log_attributes: count.max(MAX_ATTRIBUTES).allow(null),
  use_trace_context: Joi.boolean().default(false),
  num_metric_attributes: count.max(MAX_ATTRIBUTES).allow(null),
  num_data_points_per_metric: count.allow(null),
})
  .custom((value: TrafficConfig, helpers) => {
    if (value.metric_weight + value.trace_weight + value.log_weight === 0) return helpers.error('traffic.noWeight');
    if ((value.log_body_size_bytes ?? 0) * value.max_batch_size > MAX_BATCH_BODY_BYTES) return helpers.error('traffic.bodies');
    if ((value.num_data_points_per_metric ?? 1) * value.max_batch_size > MAX_BATCH_POINTS) return helpers.error('traffic.points');
    return value;
  })
  .messages({
    'traffic.noWeight': '{{#label}} needs at least one of metric_weight, trace_weight or log_weight above 0',
    'traffic.bodies': `{{#label}}: max_batch_size × log_body_size_bytes must be at most ${MAX_BATCH_BODY_BYTES} bytes (256MiB): a batch's bodies are built in memory`,
    'traffic.points': `{{#label}}: max_batch_size × num_data_points_per_metric must be at most ${MAX_BATCH_POINTS}`,
  })
  .required();

const plainAttributes = Joi.object().pattern(Joi.string(), Joi.string());
const weightedAttributes = Joi.object({
  attrs: Joi.object()
    .pattern(Joi.string(), Joi.string())
    .min(1)
    .required()
    .messages({ 'object.min': '{{#label}} is empty: give at least one attribute or remove the entry' }),
  weight: Joi.number().integer().min(1).default(1),
});
/** An entry is the weighted form when it has an `attrs` map, as upstream reads it; otherwise a plain map. */
const attributeEntry = Joi.when(Joi.object({ attrs: Joi.object().required() }).unknown(), {
  then: weightedAttributes,
  otherwise: plainAttributes,
});

/** A map, a list of maps, or a list of `{ attrs, weight }`, always as a list of weighted sets; empty plain maps go. */
const resourceAttributes = Joi.alternatives(Joi.array().items(attributeEntry), attributeEntry)
  .custom((value: unknown) => {
    const entries = (Array.isArray(value) ? value : [value]) as Array<Record<string, unknown>>;
    const sets: ResourceAttributeSet[] = [];
    for (const entry of entries) {
      if ('attrs' in entry && typeof entry.attrs === 'object') sets.push(entry as unknown as ResourceAttributeSet);
      else if (Object.keys(entry).length > 0) sets.push({ attrs: entry as Record<string, string>, weight: 1 });
    }
    return sets;
  })
  .default([]);

const registryPath = Joi.when('data_source', {
  is: 'synthetic',
  then: noEffect(Joi.string(), 'it is read only with data_source semantic_conventions'),
  otherwise: Joi.string()
    .custom((value: string, helpers) => {
      if (!isOfficialRegistry(value)) return helpers.error('registry.unknown');
      helpers.warn('registry.snapshot');
      return value;
    })
    .messages({
      'registry.unknown':
        '{{#label}} names a registry this engine cannot read: it fetches no registry and resolves none; it generates from its built-in snapshot of the official semantic conventions (https://github.com/open-telemetry/semantic-conventions), so only that repository may be named here (or use data_source: synthetic)',
      'registry.snapshot': `{{#label}} is not fetched: this engine generates from its built-in snapshot of the official semantic conventions (${SNAPSHOT_NAME})`,
    }),
}).default(DEFAULT_REGISTRY_PATH);

export const trafficGenerator: NodeDescriptor = {
  urn: 'urn:otel:receiver:traffic_generator',
  kind: 'receiver',
  configSchema: Joi.object({
    traffic_config: trafficConfig,
    data_source: Joi.string().valid('semantic_conventions', 'synthetic').default('semantic_conventions'),
    registry_path: registryPath,
    generation_strategy: Joi.string().valid('fresh', 'pre_generated').default('fresh'),
    enable_ack_nack: Joi.boolean().default(false),
    resource_attributes: resourceAttributes,
    transport_headers: Joi.object()
      .pattern(Joi.string(), Joi.string().allow(null))
      .max(0)
      .default({})
      .messages({
        'object.max': '{{#label}} cannot be honoured: messages in this engine carry no transport headers for exporters to send',
      }),
  }),
};
