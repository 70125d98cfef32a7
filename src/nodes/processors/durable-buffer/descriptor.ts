// processor:durable_buffer with upstream's config, names and defaults (crates/core-nodes durable_buffer_processor),
// plus `fsync` and `fsync_interval`, this engine's own: when a record written to the log counts as stored. The buffer's
// `path` is a directory it owns alone (`storage`): shared with another node, or not writable, the config is refused.
import Joi from 'joi';
import type { NodeDescriptor } from '../../../config/catalog.js';
import { byteSizeDefaulting, duration, durationDefaulting, noEffect, nonZeroDuration } from '../../../config/common-schemas.js';

export const durableBufferProcessor: NodeDescriptor = {
  urn: 'urn:otel:processor:durable_buffer',
  kind: 'processor',
  configSchema: Joi.object({
    path: Joi.string().min(1).required(),
    retention_size_cap: byteSizeDefaulting('10GiB')
      .custom((value: number, helpers) => (value > 0 ? value : helpers.error('size.zero')))
      .messages({ 'size.zero': '{{#label}} must be greater than zero' }),
    max_age: nonZeroDuration(duration),
    size_cap_policy: Joi.string().valid('backpressure', 'drop_oldest').default('backpressure'),
    poll_interval: nonZeroDuration(durationDefaulting('100ms')),
    // Upstream converts to Arrow so that nodes after the buffer can look inside the data; every node here reads OTLP
    // bytes, so the buffer keeps them as they are and the choice changes nothing a user can see.
    otlp_handling: Joi.alternatives(
      Joi.string().valid('pass_through'),
      noEffect(Joi.string().valid('convert_to_arrow'), 'data is kept as OTLP bytes, which every node of this engine reads'),
    ).default('pass_through'),
    max_segment_open_duration: nonZeroDuration(durationDefaulting('1s')),
    initial_retry_interval: nonZeroDuration(durationDefaulting('1s')),
    max_retry_interval: nonZeroDuration(durationDefaulting('30s')),
    retry_multiplier: Joi.number().greater(0).default(2),
    max_in_flight: Joi.number().integer().min(1).default(1000),
    fsync: Joi.string().valid('always', 'interval', 'never').default('interval'),
    fsync_interval: nonZeroDuration(durationDefaulting('25ms')),
  }),
  storage: (config) => ({ dir: config.path as string, field: ['path'] }),
};
