// processor:durable_buffer with upstream's config, names and defaults, so that upstream configs that use it are judged
// field by field. The write-ahead log itself is not in this version: an instance refuses to build the node with that
// reason (availability.ts), which fails the start or rolls the change back instead of running without it.
import Joi from 'joi';
import { DURABLE_BUFFER_NOT_AVAILABLE } from './availability.js';
import type { NodeDescriptor } from '../../../config/catalog.js';
import { byteSizeDefaulting, duration, durationDefaulting, noEffect } from '../../../config/common-schemas.js';

export const durableBufferProcessor: NodeDescriptor = {
  urn: 'urn:otel:processor:durable_buffer',
  kind: 'processor',
  unavailable: DURABLE_BUFFER_NOT_AVAILABLE,
  configSchema: Joi.object({
    path: Joi.string().min(1).required(),
    retention_size_cap: byteSizeDefaulting('10GiB'),
    max_age: duration,
    size_cap_policy: Joi.string().valid('backpressure', 'drop_oldest').default('backpressure'),
    poll_interval: durationDefaulting('100ms'),
    // Upstream converts to Arrow so that nodes after the buffer can look inside the data; every node here reads OTLP
    // bytes, so the buffer keeps them as they are and the choice changes nothing a user can see.
    otlp_handling: Joi.alternatives(
      Joi.string().valid('pass_through'),
      noEffect(Joi.string().valid('convert_to_arrow'), 'data is kept as OTLP bytes, which every node of this engine reads'),
    ).default('pass_through'),
    max_segment_open_duration: durationDefaulting('1s'),
    initial_retry_interval: durationDefaulting('1s'),
    max_retry_interval: durationDefaulting('30s'),
    retry_multiplier: Joi.number().greater(0).default(2),
    max_in_flight: Joi.number().integer().min(1).default(1000),
  }),
};
