// Acceptance: receiver:otlp with mutual TLS in a running engine, where the supervisor accepts the connections and hands
// them to the instances: the official SDK exporters presenting a client certificate deliver over HTTP and gRPC, a
// client without one is refused; a certificate file that is missing keeps the pipeline from starting, naming the file.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../support/engine.js';
import { startOtlpSink, type OtlpSink } from '../support/otlp-sink.js';
import { logsProto } from '../support/otlp-requests.js';
import { sdkLogs } from '../support/otlp-sdk.js';
import { makeCertificates } from '../support/tls-certs.js';
import { postTls } from '../support/tls-clients.js';
import { namedEvents } from '../support/core-events.js';

function config(tls: Record<string, string>, sinkUrl: string): string {
  const protocols = { http: { listening_addr: '127.0.0.1:0', tls }, grpc: { listening_addr: '127.0.0.1:0', tls } };
  const spec = {
    policies: { resources: { core_allocation: { type: 'core_count', count: 1 } }, runtime_recovery: { max_restarts: 1 } },
    nodes: {
      ingest: { type: 'receiver:otlp', config: { protocols } },
      out: { type: 'exporter:otlp_http', config: { endpoint: sinkUrl } },
    },
    connections: [{ from: 'ingest', to: 'out' }],
  };
  return `version: otel_dataflow/v1\ngroups:\n  default:\n    pipelines:\n      main: ${JSON.stringify(spec)}\n`;
}

describe('receiver:otlp mutual TLS in the engine', () => {
  let engine: RunningEngine | undefined;
  let sink: OtlpSink | undefined;
  afterEach(async () => {
    await engine?.stop();
    await sink?.close();
    engine = sink = undefined;
  });

  it('delivers from SDK exporters presenting a client certificate and refuses a client without one', async () => {
    const certs = makeCertificates();
    sink = await startOtlpSink();
    engine = await startEngine(config({ cert_file: certs.serverCert, key_file: certs.serverKey, client_ca_file: certs.caCert }, sink.url));
    const status = await engine.waitRunning();
    const port = (protocol: string) => Number(status.listeners.find((l) => l.protocol === protocol)!.address.split(':').pop());
    const ca = readFileSync(certs.caCert);
    const identity = { ca, cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) };

    for (const protocol of ['http/protobuf', 'grpc'] as const) {
      const sdk = sdkLogs(protocol, `https://localhost:${port(protocol === 'grpc' ? 'grpc' : 'http')}`, { tls: identity });
      sdk.logger.emit({ body: `mtls over ${protocol}` });
      await sdk.flush();
      await sdk.shutdown();
    }
    await sink.waitFor(() => sink!.logs.length >= 2);
    expect([...sink.logs].sort()).toEqual(['mtls over grpc', 'mtls over http/protobuf']);
    expect(await postTls(port('http'), '/v1/logs', logsProto(['anonymous']), { ca })).toMatchObject({ ok: false });
  });

  it('does not start a pipeline whose certificate file is missing, and says which file', async () => {
    sink = await startOtlpSink();
    engine = await startEngine(config({ cert_file: '/nonexistent/otap/server.crt', key_file: '/nonexistent/otap/server.key' }, sink.url));
    const message = await engine.waitFor(async () => {
      const events = namedEvents((await engine!.pipeline()).cores['0']?.recentEvents);
      return events.find((e) => e.event === 'error')?.message;
    }, 'the instance error');
    expect(message).toMatch(/protocols\.(grpc|http)\.tls: cert_file \/nonexistent\/otap\/server\.crt: no such file/);
  });
});
