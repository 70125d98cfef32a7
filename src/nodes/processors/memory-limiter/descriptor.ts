import Joi from 'joi';
import type { NodeDescriptor } from '../../../config/catalog.js';
import { byteSize, durationDefaulting } from '../../../config/common-schemas.js';

export interface MemoryLimiterConfig {
  /** Resident memory of the instance above which data is held back (bytes, or a size like `512MiB`). */
  limit: number | string;
  /** How often memory is read while data is held back. */
  check_interval: string;
  /** The longest one message is held back; past it, it goes on (a drain must never wait on memory). */
  max_hold: string;
}

export const memoryLimiterProcessor: NodeDescriptor = {
  urn: 'urn:otel:processor:memory_limiter',
  kind: 'processor',
  configSchema: Joi.object({
    limit: byteSize.required(),
    check_interval: durationDefaulting('100ms'),
    max_hold: durationDefaulting('5s'),
  }),
};
