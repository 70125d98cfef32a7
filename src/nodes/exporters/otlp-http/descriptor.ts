import Joi from 'joi';
import type { NodeDescriptor } from '../../descriptor.js';
import { durationDefaulting, httpUrl } from '../../common-schemas.js';

export interface OtlpHttpExporterConfig {
  /** Base URL; `/v1/logs`, `/v1/traces`, `/v1/metrics` are appended per signal. */
  endpoint: string;
  timeout: string;
  headers: Record<string, string>;
  /** `proto`: the message's protobuf bytes as they are; `json`: the OTLP/JSON mapping of them. */
  encoding: 'proto' | 'json';
  /** `gzip`: the body is gzipped and sent with `Content-Encoding: gzip`. */
  compression: 'none' | 'gzip';
}

export const otlpHttpExporter: NodeDescriptor = {
  urn: 'urn:otel:exporter:otlp_http',
  kind: 'exporter',
  capabilities: ['bearer_token_provider'],
  configSchema: Joi.object({
    endpoint: httpUrl.required(),
    timeout: durationDefaulting('10s'),
    headers: Joi.object().pattern(Joi.string(), Joi.string()).default({}),
    encoding: Joi.string().valid('proto', 'json').default('proto'),
    compression: Joi.string().valid('none', 'gzip').default('none'),
  }),
};
