import Joi from 'joi';
import type { NodeDescriptor } from '../../descriptor.js';

export interface TrafficGeneratorConfig {
  signal: 'logs' | 'traces' | 'metrics';
  /** Items per second for this instance; 0 means as fast as downstream accepts. */
  rate: number;
  batch_size: number;
  /** Each instance stops after generating this many items (0: never); a pipeline on N cores makes N times as many. */
  max_items: number;
}

export const trafficGenerator: NodeDescriptor = {
  urn: 'urn:otel:receiver:traffic_generator',
  kind: 'receiver',
  configSchema: Joi.object({
    signal: Joi.string().valid('logs', 'traces', 'metrics').default('logs'),
    rate: Joi.number().integer().min(0).default(100),
    batch_size: Joi.number().integer().min(1).max(100_000).default(100),
    max_items: Joi.number().integer().min(0).default(0),
  }),
};
