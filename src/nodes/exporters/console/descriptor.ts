import Joi from 'joi';
import type { NodeDescriptor } from '../../descriptor.js';

export interface ConsoleExporterConfig {
  /** `basic`: one summary line per message; `detailed`: each message as one line of OTLP/JSON. */
  verbosity: 'basic' | 'detailed';
}

export const consoleExporter: NodeDescriptor = {
  urn: 'urn:otel:exporter:console',
  kind: 'exporter',
  configSchema: Joi.object({
    verbosity: Joi.string().valid('basic', 'detailed').default('basic'),
  }),
};
