import Joi from 'joi';
import type { NodeDescriptor } from '../../descriptor.js';
import { byteSizeDefaulting } from '../../common-schemas.js';

export interface TrafficGeneratorConfig {
  signal: 'logs' | 'traces' | 'metrics';
  /** Items per second for this instance; 0 means as fast as downstream accepts. */
  rate: number;
  batch_size: number;
  /** Each instance stops after generating this many items (0: never); a pipeline on N cores makes N times as many. */
  max_items: number;
  /** Bytes each item encodes to, about (padding); 0: unpadded, the items' natural size. */
  record_size: number;
  /** Distinct values of the `gen.key` attribute, cycling over items. */
  attribute_cardinality: number;
}

export const MAX_RECORD_SIZE = 64 * 1024;
export const MAX_ATTRIBUTE_CARDINALITY = 1_000_000;
/** record_size × batch_size at most: the template of one batch is held in memory and copied per batch. */
export const MAX_PADDED_BATCH_BYTES = 64 * 1024 * 1024;

export const trafficGenerator: NodeDescriptor = {
  urn: 'urn:otel:receiver:traffic_generator',
  kind: 'receiver',
  configSchema: Joi.object({
    signal: Joi.string().valid('logs', 'traces', 'metrics').default('logs'),
    rate: Joi.number().integer().min(0).default(100),
    batch_size: Joi.number().integer().min(1).max(100_000).default(100),
    max_items: Joi.number().integer().min(0).default(0),
    record_size: byteSizeDefaulting(0)
      .custom((value: number, helpers) => (value > MAX_RECORD_SIZE ? helpers.error('any.invalid') : value))
      .messages({ 'any.invalid': `{{#label}} must be at most ${MAX_RECORD_SIZE} bytes (64KiB)` }),
    attribute_cardinality: Joi.number().integer().min(1).max(MAX_ATTRIBUTE_CARDINALITY).default(1),
  })
    .custom((value: TrafficGeneratorConfig, helpers) =>
      value.record_size * value.batch_size > MAX_PADDED_BATCH_BYTES ? helpers.error('object.paddedBatch') : value,
    )
    .messages({ 'object.paddedBatch': 'record_size × batch_size must be at most 64MiB' }),
};
