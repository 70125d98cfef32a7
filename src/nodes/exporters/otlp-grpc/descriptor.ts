// exporter:otlp_grpc's config: upstream's fields (its shared gRPC client settings, flattened, plus max_in_flight and
// num_connections), with upstream's defaults. docs/nodes/otlp_grpc.md says how each one is honoured.
import Joi from 'joi';
import type { NodeDescriptor } from '../../../config/catalog.js';
import { duration, durationDefaulting, http2WindowSize, noEffect, noEffectWhen, notSupported } from '../../../config/common-schemas.js';
import { clientTlsSchema } from '../../tls/client-tls-schema.js';
import type { ClientTlsConfig } from '../../tls/client-tls-config.js';
import {
  compression,
  headersSchema,
  optionalDurationDefaulting,
  positiveDuration,
  tcpClientSettings,
  userAgent,
} from '../otlp-client-schemas.js';
import { parseGrpcEndpoint } from './endpoint.js';
import { metadataHeaderProblem } from './headers.js';

export interface OtlpGrpcExporterConfig {
  /** `http://host:port` (plaintext), `https://host:port` (TLS); no scheme means http. */
  grpc_endpoint: string;
  compression: 'none' | 'gzip' | 'deflate' | null;
  /** Most calls in flight on one connection. */
  concurrency_limit: number;
  connect_timeout: string;
  tcp_nodelay: boolean;
  /** Idle time before TCP keepalive probes; null: no TCP keepalive. */
  tcp_keepalive: string | null;
  initial_stream_window_size: number | null;
  initial_connection_window_size: number | null;
  http2_adaptive_window: boolean;
  http2_keepalive_interval: string | null;
  http2_keepalive_timeout: string | null;
  keep_alive_while_idle: boolean;
  /** Deadline of one Export call; none when absent (as upstream). */
  timeout?: string | null;
  tls?: ClientTlsConfig;
  buffer_size?: number;
  startup_check: 'none' | 'dns' | 'connect';
  user_agent?: string | null;
  /** Sent as gRPC metadata with every call. */
  headers: Record<string, string>;
  /** Export calls in flight at once. */
  max_in_flight: number;
  /** HTTP/2 connections opened to the endpoint. */
  num_connections: number;
}

const endpointsOfConfig = (ancestors: readonly unknown[]): string[] => {
  const endpoint = (ancestors[0] as { grpc_endpoint?: unknown } | undefined)?.grpc_endpoint;
  return typeof endpoint === 'string' ? [/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(endpoint.trim()) ? endpoint.trim() : `http://${endpoint.trim()}`] : [];
};

export const otlpGrpcExporter: NodeDescriptor = {
  urn: 'urn:otel:exporter:otlp_grpc',
  kind: 'exporter',
  capabilities: ['bearer_token_provider'],
  configSchema: Joi.object({
    grpc_endpoint: Joi.string()
      .required()
      .custom((value: string, helpers) => {
        try {
          parseGrpcEndpoint(value);
          return value.trim();
        } catch (error) {
          return helpers.error('any.invalid', { reason: (error as Error).message });
        }
      })
      .messages({ 'any.invalid': '{{#label}} {{#reason}}' }),
    compression: compression.default('none'),
    concurrency_limit: Joi.number().integer().min(0).default(256),
    ...tcpClientSettings,
    tcp_keepalive_retries: notSupported(
      'Node.js sets only the idle time before TCP keepalive probes (tcp_keepalive); their count is fixed',
      Joi.number().integer().min(0).allow(null),
    ),
    initial_stream_window_size: http2WindowSize.allow(null).default(8 * 1024 * 1024),
    initial_connection_window_size: http2WindowSize.allow(null).default(32 * 1024 * 1024),
    http2_adaptive_window: noEffectWhen(
      Joi.boolean(),
      (value) => value === true,
      "Node.js's HTTP/2 has no adaptive (BDP) window; the fixed windows above apply",
    ).default(false),
    http2_keepalive_interval: optionalDurationDefaulting('30s'),
    http2_keepalive_timeout: optionalDurationDefaulting('10s'),
    keep_alive_while_idle: Joi.boolean().default(true),
    timeout: positiveDuration.allow(null),
    tls: clientTlsSchema(endpointsOfConfig),
    buffer_size: noEffect(
      Joi.number().integer().min(0).allow(null),
      "it sizes upstream's transport request queue; here requests wait in the pipeline's bounded channel",
    ),
    startup_check: Joi.string().valid('none', 'dns', 'connect').default('none'),
    proxy: notSupported('exporters connect directly; HTTP(S) proxies are not implemented'),
    user_agent: userAgent.allow(null),
    headers: headersSchema(metadataHeaderProblem),
    max_in_flight: Joi.number().integer().min(0).default(5),
    num_connections: Joi.number().integer().min(0).default(1),
  }).rename('compression_method', 'compression'),
};
