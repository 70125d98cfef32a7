import Joi from 'joi';
import type { NodeDescriptor } from '../../../config/catalog.js';

export const noopExporter: NodeDescriptor = {
  urn: 'urn:otel:exporter:noop',
  kind: 'exporter',
  configSchema: Joi.object({}),
};
