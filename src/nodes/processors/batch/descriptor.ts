import Joi from 'joi';
import type { NodeDescriptor } from '../../descriptor.js';
import { durationDefaulting } from '../../common-schemas.js';

export interface BatchProcessorConfig {
  /** Items that trigger a send. */
  send_batch_size: number;
  /** Upper bound of one batch in items (0: no bound). */
  send_batch_max_size: number;
  /** A partial batch is sent this long after its first item arrived. */
  timeout: string;
}

export const batchProcessor: NodeDescriptor = {
  urn: 'urn:otel:processor:batch',
  kind: 'processor',
  configSchema: Joi.object({
    send_batch_size: Joi.number().integer().min(1).default(8192),
    send_batch_max_size: Joi.number().integer().min(0).default(0),
    timeout: durationDefaulting('200ms'),
  }),
};
