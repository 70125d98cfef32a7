import Joi from 'joi';
import type { NodeDescriptor } from '../../descriptor.js';
import { TYPE_ROUTER_PORTS } from './ports.js';

export type TypeRouterProcessorConfig = Record<string, never>;

export const typeRouterProcessor: NodeDescriptor = {
  urn: 'urn:otel:processor:type_router',
  kind: 'processor',
  configSchema: Joi.object({}),
  outputPorts: () => [...TYPE_ROUTER_PORTS],
};
