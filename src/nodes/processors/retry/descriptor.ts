import Joi from 'joi';
import { parseDuration } from '../../../config/duration.js';
import type { NodeDescriptor } from '../../../config/catalog.js';
import { byteSizeDefaulting, durationDefaulting, nonZeroDuration } from '../../../config/common-schemas.js';
import { retryBudget } from './budget.js';

export interface RetryProcessorConfig {
  /** Wait before the first retry of a message whose delivery failed. */
  initial_interval: string;
  /** Upper bound of the wait between two attempts. */
  max_interval: string;
  /** Growth of the wait from one retry to the next (>= 1). */
  multiplier: number;
  /** No retry starts later than this after the message's first attempt; then its delivery has failed. */
  max_elapsed_time: string;
  /** Payload bytes held at once (messages in flight or waiting for a retry); more waits, which pushes back upstream. */
  max_pending_bytes: number | string;
}

/** The whole config: upstream refuses backoffs whose waits take more than GROWTH_LIMIT retries to grow. */
function checkBudget(value: RetryProcessorConfig, helpers: Joi.CustomHelpers): RetryProcessorConfig | Joi.ErrorReport {
  let shape;
  try {
    shape = {
      initialIntervalMs: parseDuration(value.initial_interval),
      maxIntervalMs: parseDuration(value.max_interval),
      multiplier: value.multiplier,
      maxElapsedMs: parseDuration(value.max_elapsed_time),
    };
  } catch {
    return value; // a field's own rule reports it
  }
  const budget = retryBudget(shape);
  return budget.ok ? value : helpers.error('retry.growth', { reason: budget.reason });
}

// Names, units and defaults are upstream's (which took them from the Collector's exporterhelper retry_on_failure);
// max_pending_bytes is this engine's own: it holds each message while it waits for the outcome.
export const retryProcessor: NodeDescriptor = {
  urn: 'urn:otel:processor:retry',
  kind: 'processor',
  configSchema: Joi.object({
    initial_interval: nonZeroDuration(durationDefaulting('5s')),
    max_interval: nonZeroDuration(durationDefaulting('30s')),
    multiplier: Joi.number().min(1).default(1.5),
    max_elapsed_time: nonZeroDuration(durationDefaulting('5m')),
    max_pending_bytes: byteSizeDefaulting('64MiB').custom((value: number, helpers) => (value > 0 ? value : helpers.error('size.zero'))).messages({
      'size.zero': '{{#label}} must be greater than zero',
    }),
  })
    .custom(checkBudget)
    .messages({ 'retry.growth': '{{#reason}}' }),
};
