import Joi from 'joi';
import type { NodeDescriptor } from '../../descriptor.js';
import { durationDefaulting, httpUrl } from '../../common-schemas.js';

export interface OtlpHttpExporterConfig {
  /** Base URL; `/v1/logs`, `/v1/traces`, `/v1/metrics` are appended per signal. */
  endpoint: string;
  timeout: string;
  headers: Record<string, string>;
}

export const otlpHttpExporter: NodeDescriptor = {
  urn: 'urn:otel:exporter:otlp_http',
  kind: 'exporter',
  configSchema: Joi.object({
    endpoint: httpUrl.required(),
    timeout: durationDefaulting('10s'),
    headers: Joi.object().pattern(Joi.string(), Joi.string()).default({}),
  }),
};
