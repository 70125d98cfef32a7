// receiver:otlp configuration: upstream's fields, names, defaults and units; what has no effect here is a warning; what
// cannot be honoured is an error at the field's path; and the listeners it asks the supervisor for.
import { describe, expect, it } from 'vitest';
import { otlpReceiver } from '../../src/nodes/receivers/otlp/descriptor.js';
import { parseByteSize } from '../../src/config/duration.js';
import { validateWithJoi } from '../../src/config/joi-errors.js';
import { REDACTED, redactSecrets } from '../../src/util/redact.js';

const AT = ['nodes', 'ingest', 'config'];
const check = (config: unknown) => validateWithJoi<Record<string, any>>(otlpReceiver.configSchema, config, AT);
type Config = { protocols: Record<string, Record<string, any>> };
const grpc = (fields: Record<string, unknown>): Config => ({ protocols: { grpc: { listening_addr: '127.0.0.1:4317', ...fields } } });
const http = (fields: Record<string, unknown>): Config => ({ protocols: { http: { listening_addr: '127.0.0.1:4318', ...fields } } });
const FILES = { cert_file: './test-certs/server.crt', key_file: './test-certs/server.key' };

/** The errors of `config` as `path: message`, or [] when it is valid. */
function errors(config: unknown): string[] {
  const result = check(config);
  return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
}

function warnings(config: unknown): string[] {
  return check(config).warnings.map((w) => `${w.path}: ${w.message}`);
}

describe('receiver:otlp config', () => {
  it.each([
    [1234, 1234],
    ['512', 512],
    ['4MiB', 4 * 1024 * 1024],
    ['4 MiB', 4 * 1024 * 1024],
    ['1.5KiB', 1536],
    ['4MB', 4_000_000],
    ['2GiB', 2 * 1024 ** 3],
    ['10B', 10],
  ])('parses %s as %d bytes', (input, bytes) => {
    expect(parseByteSize(input)).toBe(bytes);
  });

  it('refuses a size it cannot read', () => {
    expect(() => parseByteSize('4 lots')).toThrow(/not a byte size/);
  });

  it("fills upstream's defaults and lists one listener per protocol", () => {
    const result = check({ protocols: { grpc: { listening_addr: '127.0.0.1:4317' }, http: { listening_addr: '127.0.0.1:4318' } } });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.warnings).toEqual([]);
    expect(result.value.protocols.grpc).toEqual({
      listening_addr: '127.0.0.1:4317',
      max_concurrent_requests: 0,
      tcp_nodelay: true,
      tcp_keepalive: '45000ms',
      wait_for_result: false,
      load_shed: true,
      max_decoding_message_size: 4 * 1024 * 1024,
      http2_keepalive_interval: '30000ms',
      http2_keepalive_timeout: '10000ms',
      initial_stream_window_size: 8 * 1024 * 1024,
      initial_connection_window_size: 24 * 1024 * 1024,
      http2_adaptive_window: false,
      max_frame_size: 16 * 1024,
    });
    expect(result.value.protocols.http).toEqual({
      listening_addr: '127.0.0.1:4318',
      max_concurrent_requests: 0,
      tcp_nodelay: true,
      tcp_keepalive: '45000ms',
      wait_for_result: false,
      max_request_body_size: 4 * 1024 * 1024,
      timeout: '30000ms',
      accept_compressed_requests: true,
    });
    expect(otlpReceiver.listeners!('ingest', result.value)).toEqual([
      { id: 'ingest/grpc', protocol: 'grpc', address: '127.0.0.1:4317' },
      { id: 'ingest/http', protocol: 'http', address: '127.0.0.1:4318' },
    ]);
  });

  it("takes upstream's TLS block (test-mtls.yaml) with its defaults, without needing the files", () => {
    const result = check(grpc({ tls: { ...FILES, client_ca_file: './test-certs/ca.crt', include_system_ca_certs_pool: false } }));
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.value.protocols.grpc.tls).toEqual({
      ...FILES,
      client_ca_file: './test-certs/ca.crt',
      include_system_ca_certs_pool: false,
      watch_client_ca: false,
      reload_interval: '300000ms',
      handshake_timeout: '10000ms',
    });
    expect(errors(http({ tls: { cert_pem: 'PEM', key_pem: 'PEM', client_ca_pem: 'PEM', handshake_timeout: null } }))).toEqual([]);
  });

  it('takes every upstream gRPC field, and says which ones have no effect here', () => {
    const all = grpc({
      request_compression: ['zstd', 'gzip'],
      response_compression: 'none',
      max_concurrent_requests: 100,
      max_concurrent_streams: 0,
      tcp_nodelay: false,
      tcp_keepalive: null,
      tcp_keepalive_interval: '15s',
      tcp_keepalive_retries: 5,
      transport_concurrency_limit: 10,
      load_shed: false,
      initial_stream_window_size: '8MiB',
      initial_connection_window_size: '24MiB',
      http2_adaptive_window: false,
      max_frame_size: '16KiB',
      max_decoding_message_size: '16MiB',
      http2_keepalive_interval: null,
      http2_keepalive_timeout: '20s',
      wait_for_result: true,
      timeout: '5s',
      tls: FILES,
    });
    expect(errors(all)).toEqual([]);
    expect(warnings(all).map((w) => w.split(':')[0]).sort()).toEqual(
      [
        'request_compression',
        'response_compression',
        'tcp_keepalive_interval',
        'tcp_keepalive_retries',
      ]
        .map((f) => `nodes.ingest.config.protocols.grpc.${f}`)
        .sort(),
    );
    expect(warnings(all).find((w) => w.includes('.request_compression:'))).toMatch(/has no effect in this engine: .*zstd/);
    const adaptive = grpc({ http2_adaptive_window: true });
    expect(warnings(adaptive).map((w) => w.split(':')[0])).toEqual(['nodes.ingest.config.protocols.grpc.http2_adaptive_window']);
  });

  it('takes every upstream HTTP field', () => {
    const all = http({
      max_concurrent_requests: 8,
      tcp_nodelay: true,
      tcp_keepalive: '60s',
      max_request_body_size: '1MiB',
      wait_for_result: true,
      timeout: null,
      accept_compressed_requests: false,
      tls: FILES,
    });
    const result = check(all);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.value.protocols.http).toMatchObject({ max_request_body_size: 1024 * 1024, timeout: '30000ms', tcp_keepalive: '60000ms' });
  });

  it.each([
    [grpc({ tls: { cert_file: 'a' } }), 'protocols.grpc.tls', /needs the server certificate and its key/],
    [grpc({ tls: { cert_file: 'a', key_pem: 'b' } }), 'protocols.grpc.tls', /the same way/],
    [http({ tls: { ...FILES, cert_pem: 'x' } }), 'protocols.http.tls', /one of \[cert_file, cert_pem\]/],
    [http({ tls: { ...FILES, client_ca_file: 'a', client_ca_pem: 'b' } }), 'protocols.http.tls', /one of \[client_ca_file, client_ca_pem\]/],
    [grpc({ tls: { ...FILES, watch_client_ca: true } }), 'protocols.grpc.tls', /watch_client_ca watches client_ca_file/],
    [grpc({ tls: { ...FILES, min_version: '1.3' } }), 'protocols.grpc.tls.min_version', /unknown field/],
    [grpc({ tls: { ...FILES, handshake_timeout: 'soon' } }), 'protocols.grpc.tls.handshake_timeout', /duration/],
    [grpc({ timeout: '0s' }), 'protocols.grpc.timeout', /must be above 0/],
    [http({ timeout: '0ms' }), 'protocols.http.timeout', /must be above 0/],
    [grpc({ max_decoding_message_size: '5GiB' }), 'protocols.grpc.max_decoding_message_size', /4294967295/],
    [grpc({ request_compression: 'brotli' }), 'protocols.grpc.request_compression', /./],
    [grpc({ max_concurrent_requests: -1 }), 'protocols.grpc.max_concurrent_requests', /./],
    [http({ load_shed: true }), 'protocols.http.load_shed', /unknown field/],
    [grpc({ max_recv_msg_size: '4MiB' }), 'protocols.grpc.max_recv_msg_size', /use max_decoding_message_size/],
    [{ ...grpc({}), wait_for_result: true }, 'wait_for_result', /use protocols.grpc.wait_for_result/],
    [{ protocols: {} }, 'protocols', /at least one of grpc and http/],
    [
      { protocols: { grpc: { listening_addr: '0.0.0.0:4317' }, http: { listening_addr: '127.0.0.1:4317' } } },
      'protocols',
      /cannot listen on the same address/,
    ],
  ])('refuses %j at its path', (config, path, message) => {
    const found = errors(config);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^nodes\\.ingest\\.config\\.${path.replace(/\./g, '\\.')}: `));
    expect(found[0]).toMatch(message);
  });

  it('lets both protocols pick ports with port 0, and listen on the same port of two interfaces', () => {
    expect(errors({ protocols: { grpc: { listening_addr: '127.0.0.1:0' }, http: { listening_addr: '127.0.0.1:0' } } })).toEqual([]);
    expect(errors({ protocols: { grpc: { listening_addr: '127.0.0.1:4317' }, http: { listening_addr: '127.0.0.2:4317' } } })).toEqual([]);
  });

  it('warns that reload_interval has nothing to re-read when all TLS material is inline', () => {
    expect(warnings(grpc({ tls: { cert_pem: 'P', key_pem: 'K', reload_interval: '1m' } }))).toEqual([
      expect.stringMatching(/^nodes\.ingest\.config\.protocols\.grpc\.tls\.reload_interval: .*no file to re-read/),
    ]);
    expect(warnings(grpc({ tls: { cert_pem: 'P', key_pem: 'K', client_ca_file: 'ca.crt', reload_interval: '1m' } }))).toEqual([]);
  });

  it('keeps an inline private key out of what the admin API shows, and the file paths in', () => {
    const shown = redactSecrets(grpc({ tls: { cert_pem: 'CERT', key_pem: 'KEY', client_ca_file: 'ca.crt' } }));
    expect(shown.protocols.grpc!.tls).toEqual({ cert_pem: 'CERT', key_pem: REDACTED, client_ca_file: 'ca.crt' });
    expect(redactSecrets(grpc({ tls: FILES })).protocols.grpc!.tls).toEqual(FILES);
  });

  it('gives the same effective config when validated again', () => {
    const once = check(grpc({ tls: FILES, timeout: '1s' }));
    if (!once.ok) throw new Error('invalid');
    const twice = check(once.value);
    expect(twice.ok && twice.value).toEqual(once.value);
    expect(twice.warnings).toEqual([]);
  });
});
