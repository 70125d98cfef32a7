// exporter:otlp_http's config: upstream's fields (endpoint, the per-signal endpoints, the pool and in-flight limits,
// and its shared HTTP client settings under `http`), with upstream's defaults, plus our `encoding`. docs/nodes/otlp_http.md
// says how each one is honoured.
import Joi from 'joi';
import type { NodeDescriptor } from '../../../config/catalog.js';
import { byteSizeDefaulting, httpUrl, noEffect } from '../../../config/common-schemas.js';
import { clientTlsSchema } from '../../tls/client-tls-schema.js';
import type { ClientTlsConfig } from '../../tls/client-tls-config.js';
import { compression, headersSchema, positiveDuration, tcpClientSettings, userAgent } from '../otlp-client-schemas.js';
import { httpHeaderProblem } from './headers.js';

export interface OtlpHttpClientSettings {
  concurrency_limit?: number;
  /** Refused when set (see the schema). */
  tcp_keepalive_interval?: string | null;
  connect_timeout: string;
  tcp_nodelay: boolean;
  /** Idle time before TCP keepalive probes; null: no TCP keepalive. */
  tcp_keepalive: string | null;
  /** Deadline of one request; none when absent (as upstream). */
  timeout?: string | null;
  tls?: ClientTlsConfig;
  /** `gzip` / `deflate`: the body is compressed and sent with its Content-Encoding. */
  compression: 'none' | 'gzip' | 'deflate' | null;
  user_agent?: string | null;
  headers: Record<string, string>;
}

export interface OtlpHttpExporterConfig {
  /** Base URL; `/v1/logs`, `/v1/traces`, `/v1/metrics` are appended per signal. */
  endpoint: string;
  /** Full URLs (path included) that replace `endpoint` for one signal. */
  traces_endpoint?: string;
  metrics_endpoint?: string;
  logs_endpoint?: string;
  /** A successful answer with a bigger body fails the export. */
  max_response_body_length: number;
  /** Separate connection pools, used in turn. */
  client_pool_size: number;
  /** Requests in flight at once. */
  max_in_flight: number;
  http: OtlpHttpClientSettings;
  /** Ours: `proto` sends the message's protobuf bytes as they are; `json` the OTLP/JSON mapping of them. */
  encoding: 'proto' | 'json';
}

const SIGNAL_ENDPOINTS = ['traces_endpoint', 'metrics_endpoint', 'logs_endpoint'] as const;

/** The endpoints of the config that holds this `http` block (its parent). */
const endpointsOfConfig = (ancestors: readonly unknown[]): string[] => {
  const config = ancestors[1] as Record<string, unknown> | undefined;
  return ['endpoint', ...SIGNAL_ENDPOINTS].map((key) => config?.[key]).filter((value): value is string => typeof value === 'string');
};

const httpSettings = Joi.object<OtlpHttpClientSettings>({
  concurrency_limit: noEffect(
    Joi.number().integer().min(0),
    "it limits how many connections upstream's HTTP client opens at the same moment; here at most max_in_flight requests are open",
  ),
  ...tcpClientSettings,
  timeout: positiveDuration.allow(null),
  tls: clientTlsSchema(endpointsOfConfig),
  compression: compression.default('none'),
  user_agent: userAgent.allow(null),
  headers: headersSchema(httpHeaderProblem),
})
  .rename('compression_method', 'compression')
  .default();

const signalUrl = httpUrl.messages({ 'string.uriCustomScheme': '{{#label}} must be an http:// or https:// URL (path included)' });

export const otlpHttpExporter: NodeDescriptor = {
  urn: 'urn:otel:exporter:otlp_http',
  kind: 'exporter',
  capabilities: ['bearer_token_provider'],
  configSchema: Joi.object({
    endpoint: httpUrl.required(),
    traces_endpoint: signalUrl,
    metrics_endpoint: signalUrl,
    logs_endpoint: signalUrl,
    max_response_body_length: byteSizeDefaulting(10 * 1024 * 1024),
    // Upstream requires it; 1 (one pool) is what every upstream example writes, so it is the default here.
    client_pool_size: Joi.number().integer().min(1).default(1),
    max_in_flight: Joi.number().integer().min(0).default(5),
    http: httpSettings,
    encoding: Joi.string().valid('proto', 'json').default('proto'),
  }),
};
