import Joi from 'joi';
import type { NodeDescriptor } from '../../../config/catalog.js';
import { TYPE_ROUTER_PORTS } from './ports.js';

export type OnFull = 'reject_immediately' | 'backpressure';

export interface TypeRouterProcessorConfig {
  /** What happens to a message whose selected output is full (upstream's selected-route admission). */
  admission_policy: { on_full: OnFull };
}

// Upstream's only field. The ports are upstream's well-known names; `default` is the fallback route for a signal whose
// named port is not connected, so a plain `from: router` connection is allowed.
export const typeRouterProcessor: NodeDescriptor = {
  urn: 'urn:otel:processor:type_router',
  kind: 'processor',
  configSchema: Joi.object({
    admission_policy: Joi.object({
      on_full: Joi.string().valid('reject_immediately', 'backpressure').default('reject_immediately'),
    }).default(),
  }),
  outputPorts: () => [...TYPE_ROUTER_PORTS, 'default'],
};
