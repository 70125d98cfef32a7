import Joi from 'joi';
import type { NodeDescriptor } from '../../descriptor.js';

export interface DebugProcessorConfig {
  /** `basic`: signal, items and bytes; `detailed`: also the message as OTLP/JSON. */
  verbosity: 'basic' | 'detailed';
  /** Logs message 1, then every `every`-th after it. */
  sampling: { every: number };
}

export const debugProcessor: NodeDescriptor = {
  urn: 'urn:otel:processor:debug',
  kind: 'processor',
  configSchema: Joi.object({
    verbosity: Joi.string().valid('basic', 'detailed').default('basic'),
    sampling: Joi.object({
      every: Joi.number().integer().min(1).default(1),
    }).default(),
  }),
};
