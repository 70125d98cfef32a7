// The OTLP exporters' config schemas as the engine validates them: upstream's fields and defaults for
// exporter:otlp_http, the `tls` block's rules for both (what is refused before anything starts, what is accepted with a
// warning), and no secret (key_pem, header values) in any message or in the config read back.
import { describe, expect, it } from 'vitest';
import { validateEngineConfig } from '../../src/config/index.js';
import { otlpGrpcExporter } from '../../src/nodes/exporters/otlp-grpc/descriptor.js';
import { otlpHttpExporter } from '../../src/nodes/exporters/otlp-http/descriptor.js';
import { redactSecrets } from '../../src/util/redact.js';
import { builtinCatalog } from '../../src/nodes/catalog.js';

const KEY_PEM = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSECRETkeyMATERIAL\n-----END PRIVATE KEY-----\n';
const CERT_PEM = '-----BEGIN CERTIFICATE-----\nMIIBcertificate\n-----END CERTIFICATE-----\n';

const http = otlpHttpExporter.configSchema;
const grpc = otlpGrpcExporter.configSchema;
const messages = (result: { error?: { details: { message: string }[] } }) => result.error?.details.map((d) => d.message) ?? [];
// Warnings as the engine prints them: the field's path, then the message.
const warnings = (result: { warning?: { details: { message: string; path: (string | number)[] }[] } }) =>
  result.warning?.details.map((d) => `"${d.path.join('.')}" ${d.message}`) ?? [];

describe('exporter:otlp_http config', () => {
  it("takes upstream's fields with upstream's defaults (client_pool_size and http defaulted here)", () => {
    const { value, error } = http.validate({ endpoint: 'http://127.0.0.1:4318' });
    expect(error).toBeUndefined();
    expect(value).toEqual({
      endpoint: 'http://127.0.0.1:4318',
      max_response_body_length: 10485760,
      client_pool_size: 1,
      max_in_flight: 5,
      encoding: 'proto',
      http: { connect_timeout: '3000ms', tcp_nodelay: true, tcp_keepalive: '45000ms', compression: 'none', headers: {} },
    });
    expect(http.validate(value).value).toEqual(value);
    // upstream's otlp-http-headers.yaml, field for field
    const upstream = {
      endpoint: 'https://obs.example.app/api/default',
      client_pool_size: 1,
      http: { compression: 'gzip', headers: { 'x-scope-orgid': 'tenant-1', 'stream-name': 'default' } },
    };
    expect(http.validate(upstream).error).toBeUndefined();
    const full = http.validate({
      endpoint: 'http://a:4318',
      traces_endpoint: 'https://t.example:4318/v1/traces',
      logs_endpoint: 'http://l:4318/custom/logs',
      max_response_body_length: '1MiB',
      client_pool_size: 3,
      max_in_flight: 8,
      http: { compression_method: 'deflate', timeout: '2s', user_agent: 'me/1.0', tcp_keepalive: null, tcp_nodelay: false, connect_timeout: '1s' },
    });
    expect(full.error).toBeUndefined();
    expect(full.value).toMatchObject({ max_response_body_length: 1048576, http: { compression: 'deflate', tcp_keepalive: null } });
  });

  it('refuses what it cannot honour and the old top-level fields, saying why', () => {
    const bad = (config: Record<string, unknown>) => messages(http.validate({ endpoint: 'http://x', ...config }, { abortEarly: false })).join('\n');
    expect(bad({ timeout: '1s' })).toMatch(/"timeout" is not allowed/);
    expect(bad({ http: { compression: 'zstd' } })).toMatch(/zstd is not available/);
    const refusal = http.validate({ endpoint: 'http://x', http: { tcp_keepalive_interval: '5s' } }).error?.details[0];
    expect(refusal).toMatchObject({ path: ['http', 'tcp_keepalive_interval'], message: expect.stringMatching(/^is not supported by this engine/) });
    expect(bad({ http: { headers: { host: 'h' } } })).toMatch(/set by the exporter/);
    expect(bad({ http: { headers: { 'X-A': '1', 'x-a': '2' } } })).toMatch(/given twice/);
    expect(bad({ http: { headers: { 'bad name': '1' } } })).toMatch(/not a valid HTTP header name/);
    expect(bad({ client_pool_size: 0 })).toMatch(/"client_pool_size" must be greater than or equal to 1/);
    expect(bad({ logs_endpoint: 'ftp://l/v1/logs' })).toMatch(/"logs_endpoint" must be an http:\/\/ or https:\/\/ URL/);
    expect(warnings(http.validate({ endpoint: 'http://x', http: { concurrency_limit: 10 } }))).toEqual([
      expect.stringMatching(/"http.concurrency_limit" has no effect in this engine/),
    ]);
  });
});

describe.each([
  ['exporter:otlp_grpc', grpc, (tls: unknown, endpoint: string) => ({ grpc_endpoint: endpoint, tls }), 'tls'],
  ['exporter:otlp_http', http, (tls: unknown, endpoint: string) => ({ endpoint, http: { tls } }), 'http.tls'],
] as const)('%s tls block', (_type, schema, config, label) => {
  const check = (tls: unknown, endpoint = 'https://collector:4317') => schema.validate(config(tls, endpoint), { abortEarly: false });

  it("takes upstream's fields: CA, client certificate and key (files or PEM), system pool, server name", () => {
    const ok = check({
      ca_file: '/etc/ssl/ca.crt',
      ca_pem: CERT_PEM,
      cert_file: '/etc/ssl/client.crt',
      key_pem: KEY_PEM,
      include_system_ca_certs_pool: false,
      server_name_override: 'collector.internal',
      insecure_skip_verify: false,
    });
    expect(ok.error).toBeUndefined();
    expect(warnings(ok)).toEqual([]);
    // Validation never reads the files (they need not exist where the config is checked).
    expect(check({ ca_file: '/nonexistent/ca.crt', include_system_ca_certs_pool: false }).error).toBeUndefined();
  });

  it('refuses settings that cannot work, before anything starts', () => {
    const bad = (tls: unknown, endpoint?: string) => messages(check(tls, endpoint)).join('\n');
    expect(bad({ cert_file: '/c.crt' })).toMatch(new RegExp(`"${label.replace('.', '\\.')}" needs both a client certificate .* and its key`));
    expect(bad({ key_pem: KEY_PEM })).toMatch(/needs both a client certificate/);
    expect(bad({ cert_file: '/c.crt', cert_pem: CERT_PEM, key_file: '/k' })).toMatch(/set one of .*cert_file.*cert_pem.*, not both/);
    expect(bad({ include_system_ca_certs_pool: false })).toMatch(/trusts no certificate authority/);
    expect(bad({ ca_pem: 'not a certificate' })).toMatch(/ca_pem" must hold PEM text/);
    expect(bad({ server_name_override: 'not a name!' })).toMatch(/server_name_override" must be a DNS name/);
    // Certificates for a plaintext endpoint would be silently unused.
    expect(bad({ ca_file: '/ca.crt' }, 'http://collector:4317')).toMatch(/applies only to https:\/\/ endpoints, and http:\/\/collector:4317 is plaintext/);
    expect(bad({ server_name_override: 'x.test' }, 'http://collector:4317')).toMatch(/applies only to https:\/\//);
    expect(bad({ unknown_field: 1 })).toMatch(/unknown_field" is not allowed/);
  });

  it('accepts insecure (plaintext stays plaintext; ignored with a warning for https) and reload_interval with a warning', () => {
    const plaintext = check({ insecure: true }, 'http://collector:4317');
    expect(plaintext.error).toBeUndefined();
    expect(warnings(plaintext)).toEqual([]);
    expect(warnings(check({ insecure: true }))).toEqual([expect.stringMatching(/insecure: true is ignored for an https:\/\/ endpoint/)]);
    expect(warnings(check({ reload_interval: '5m' }))).toEqual([expect.stringMatching(/reload_interval" has no effect in this engine: an exporter reads its certificate files once/)]);
  });

  it('never shows key_pem: not in validation messages, redacted when the config is read back', () => {
    const invalid = check({ key_pem: `${KEY_PEM}garbage`, cert_file: 3 });
    const text = JSON.stringify(invalid.error?.details) + messages(invalid).join();
    expect(text).not.toContain('SECRETkeyMATERIAL');
    const redacted = JSON.stringify(redactSecrets(config({ key_pem: KEY_PEM, cert_pem: CERT_PEM }, 'https://c:1')));
    expect(redacted).not.toContain('SECRETkeyMATERIAL');
    expect(redacted).toContain('MIIBcertificate');
  });
});

describe('OTLP exporter configs in a whole document', () => {
  it('say where a problem is, and keep secrets out of the errors the engine prints', () => {
    const result = validateEngineConfig(
      {
        version: 'otel_dataflow/v1',
        groups: {
          default: {
            pipelines: {
              main: {
                nodes: {
                  gen: { type: 'receiver:traffic_generator' },
                  grpc: { type: 'exporter:otlp_grpc', config: { grpc_endpoint: 'http://c:4317', tls: { key_pem: KEY_PEM } } },
                  http: { type: 'exporter:otlp_http', config: { endpoint: 'https://c:4318', http: { headers: { authorization: 'Bearer SECRETtoken\n' } } } },
                },
                connections: [{ from: 'gen', to: ['grpc', 'http'] }],
              },
            },
          },
        },
      },
      { catalog: builtinCatalog, availableCores: [0] },
    );
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['groups.default.pipelines.main.nodes.grpc.config.tls', 'groups.default.pipelines.main.nodes.http.config.http.headers']),
    );
    expect(JSON.stringify(errors)).not.toMatch(/SECRET/);
  });
});
