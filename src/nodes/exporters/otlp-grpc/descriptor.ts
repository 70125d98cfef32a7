import Joi from 'joi';
import type { NodeDescriptor } from '../../descriptor.js';
import { parseDuration } from '../../../config/duration.js';
import { durationDefaulting } from '../../common-schemas.js';
import { parseGrpcEndpoint } from './endpoint.js';
import { metadataHeaderProblem } from './headers.js';

export interface OtlpGrpcExporterConfig {
  /** `host:port`, `http://host:port` (plaintext) or `https://host:port` (TLS with the default CAs). */
  endpoint: string;
  /** Deadline of one Export call. */
  timeout: string;
  /** Sent as gRPC metadata with every call. */
  headers: Record<string, string>;
  compression: 'none' | 'gzip';
}

export const otlpGrpcExporter: NodeDescriptor = {
  urn: 'urn:otel:exporter:otlp_grpc',
  kind: 'exporter',
  capabilities: ['bearer_token_provider'],
  configSchema: Joi.object({
    endpoint: Joi.string()
      .required()
      .custom((value: string, helpers) => {
        try {
          parseGrpcEndpoint(value);
          return value;
        } catch (error) {
          return helpers.error('any.invalid', { reason: (error as Error).message });
        }
      })
      .messages({ 'any.invalid': '{{#label}} {{#reason}}' }),
    // A zero deadline would fail every call and retry it forever.
    timeout: durationDefaulting('10s')
      .custom((value: string, helpers) => (durationMs(value) === 0 ? helpers.error('any.invalid') : value))
      .messages({ 'any.invalid': '{{#label}} must be above 0' }),
    headers: Joi.object()
      .pattern(Joi.string(), Joi.string())
      .custom((value: Record<string, string>, helpers) => {
        for (const [key, text] of Object.entries(value)) {
          const reason = metadataHeaderProblem(key, text);
          if (reason) return helpers.error('any.invalid', { reason });
        }
        return value;
      })
      .messages({ 'any.invalid': '{{#label}}: {{#reason}}' })
      .default({}),
    compression: Joi.string().valid('none', 'gzip').default('none'),
  }),
};

/** The duration in ms, or NaN for text the duration pattern already refused (that error is the one to report). */
function durationMs(value: string): number {
  try {
    return parseDuration(value);
  } catch {
    return Number.NaN;
  }
}
