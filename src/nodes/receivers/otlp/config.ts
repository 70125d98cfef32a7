// The validated config of receiver:otlp, as the implementation reads it (the joi schemas that fill it are in
// descriptor.ts and *-settings.ts). Field names, defaults and units are upstream's; durations are canonical strings,
// sizes numbers of bytes. Fields accepted only to warn that they have no effect here are not listed.
import type { TlsServerSettings } from '../../tls/server-tls.js';

/** What both protocols share. */
interface ServerSettings {
  listening_addr: string;
  /** Requests in flight at once on this protocol; 0 = no limit of the receiver's own (the pipeline's channels bound it). */
  max_concurrent_requests: number;
  tcp_nodelay: boolean;
  /** Idle time before TCP keepalive probes; null turns keepalive off. */
  tcp_keepalive: string | null;
  /** Answer only once the data was acknowledged downstream (503 / UNAVAILABLE when it was not). */
  wait_for_result: boolean;
  tls?: TlsServerSettings;
}

export interface GrpcSettings extends ServerSettings {
  max_decoding_message_size: number;
  /** HTTP/2 streams per connection; absent or 0 = max_concurrent_requests (no limit when that is 0). */
  max_concurrent_streams?: number | null;
  transport_concurrency_limit?: number | null;
  /** Refuse at once (true) or wait for a slot (false) when max_concurrent_requests are in flight. */
  load_shed: boolean;
  http2_keepalive_interval: string | null;
  http2_keepalive_timeout: string | null;
  /** HTTP/2 flow-control windows and frame size in bytes; null leaves Node.js's default (64KiB windows). */
  initial_stream_window_size: number | null;
  initial_connection_window_size: number | null;
  max_frame_size: number | null;
  /** No limit when absent. */
  timeout?: string | null;
}

export interface HttpSettings extends ServerSettings {
  max_request_body_size: number;
  timeout: string;
  accept_compressed_requests: boolean;
}

export interface OtlpReceiverConfig {
  protocols: { grpc?: GrpcSettings; http?: HttpSettings };
}
