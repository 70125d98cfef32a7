// processor:fault's config. Only the catalog decides whether the node exists (an engine started for tests); this schema
// validates its fields once it does.
import Joi from 'joi';
import type { NodeDescriptor } from '../../../config/catalog.js';
import { durationDefaulting } from '../../../config/common-schemas.js';

export interface FaultProcessorConfig {
  /** What start() does: resolve (`ok`), reject (`fail`), exit the process (`crash`) or never resolve (`hang`). */
  start: 'ok' | 'fail' | 'crash' | 'hang';
  /** Wait before doing it. */
  start_delay: string;
  /** Exit the process once this many items passed through; 0: never. */
  crash_after_items: number;
  /** Inject only in the instances on these cores (empty: every core), to fail part of a rollout. */
  cores: number[];
}

export const faultProcessor: NodeDescriptor = {
  urn: 'urn:otel:processor:fault',
  kind: 'processor',
  configSchema: Joi.object({
    start: Joi.string().valid('ok', 'fail', 'crash', 'hang').default('ok'),
    start_delay: durationDefaulting('0s'),
    crash_after_items: Joi.number().integer().min(0).default(0),
    cores: Joi.array().items(Joi.number().integer().min(0)).default([]),
  }),
};
