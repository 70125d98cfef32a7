// Joi schemas of `protocols.grpc` and `protocols.http` of receiver:otlp: upstream's gRPC and HTTP server settings,
// field for field. Fields that only tune upstream's Rust HTTP/2 stack, or that Node.js gives no handle on, are accepted
// with a warning (noEffect) and carry no default here, so the effective config holds only what this engine acts on.
import Joi from 'joi';
import { byteSize, duration, durationDefaulting, http2FrameSize, http2WindowSize, listenAddress, noEffect, noEffectWhen } from '../../../config/common-schemas.js';
import { parseDuration } from '../../../config/duration.js';
import { tlsServerSchema } from '../../tls/server-tls-schema.js';

const U32_MAX = 4_294_967_295;

/** A byte size that fits upstream's u32 fields. */
function byteSizeU32(defaultBytes?: number): Joi.AlternativesSchema {
  const schema = byteSize
    .custom((value: number, helpers) => (value > U32_MAX ? helpers.error('any.invalid') : value))
    .messages({ 'any.invalid': `{{#label}} is above ${U32_MAX} bytes (4GiB - 1), the largest upstream takes` });
  return defaultBytes === undefined ? schema : schema.default(defaultBytes);
}

/** A limit of time that must leave room to answer: 0 would fail every request. */
function positive(schema: Joi.StringSchema): Joi.StringSchema {
  return schema
    .custom((value: string, helpers) => {
      try {
        return parseDuration(value) > 0 ? value : helpers.error('any.invalid');
      } catch {
        return value; // the pattern rule reports text that is not a duration
      }
    })
    .messages({ 'any.invalid': '{{#label}} must be above 0: a request could never be answered in time' });
}

const count = Joi.number().integer().min(0);
const compressionMethod = Joi.string().valid('zstd', 'gzip', 'deflate');
/** One method, a list of them, or `none` (upstream's spellings). */
const compressionMethods = Joi.alternatives(compressionMethod, Joi.string().valid('none'), Joi.array().items(compressionMethod)).empty(null);

const NODE_KEEPALIVE =
  'Node.js sets only the idle time before the first TCP keepalive probe (tcp_keepalive); the interval and the number of probes are the operating system defaults';

/** Fields both protocols have. */
const serverFields = {
  listening_addr: listenAddress.required(),
  max_concurrent_requests: count.default(0),
  tcp_nodelay: Joi.boolean().default(true),
  tcp_keepalive: durationDefaulting('45s').allow(null),
  tcp_keepalive_interval: noEffect(duration.allow(null), NODE_KEEPALIVE),
  tcp_keepalive_retries: noEffect(count.allow(null), NODE_KEEPALIVE),
  wait_for_result: Joi.boolean().default(false),
  tls: tlsServerSchema,
};

export const grpcSettingsSchema = Joi.object({
  ...serverFields,
  request_compression: noEffect(
    compressionMethods,
    'identity, gzip and deflate requests are accepted whatever is listed; zstd cannot be decompressed here',
  ),
  response_compression: noEffect(
    compressionMethods,
    'responses are sent uncompressed (OTLP export responses are empty or a few bytes)',
  ),
  max_concurrent_streams: count.allow(null),
  transport_concurrency_limit: count.allow(null),
  load_shed: Joi.boolean().default(true),
  // Upstream's windows, large enough that a client sends a whole batch of requests without waiting for the receiver to
  // open the window again (Node's HTTP/2 default of 64KiB holds a 150 KB request for two round trips).
  initial_stream_window_size: http2WindowSize.allow(null).default(8 * 1024 * 1024),
  initial_connection_window_size: http2WindowSize.allow(null).default(24 * 1024 * 1024),
  http2_adaptive_window: noEffectWhen(Joi.boolean(), (value) => value === true, "Node.js's HTTP/2 has no adaptive (BDP) window; the fixed windows apply").default(false),
  max_frame_size: http2FrameSize.allow(null).default(16 * 1024),
  max_decoding_message_size: byteSizeU32(4 * 1024 * 1024).empty(null),
  http2_keepalive_interval: durationDefaulting('30s').allow(null),
  http2_keepalive_timeout: durationDefaulting('10s').allow(null),
  timeout: positive(duration).allow(null),
  max_recv_msg_size: moved('max_decoding_message_size'),
});

export const httpSettingsSchema = Joi.object({
  ...serverFields,
  max_request_body_size: byteSizeU32(4 * 1024 * 1024).empty(null),
  // Upstream always bounds an HTTP request (slow clients): null means its default.
  timeout: positive(durationDefaulting('30s')).empty(null),
  accept_compressed_requests: Joi.boolean().default(true),
});

/** A field we had before taking upstream's name: refused with a message that says where the setting went. */
export function moved(to: string): Joi.AnySchema {
  return Joi.any().forbidden().messages({ 'any.unknown': `{{#label}}: use ${to} (upstream's name for it)` });
}
