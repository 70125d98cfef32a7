// receiver:otlp with `tls` on both protocols, over real handshakes on handed-over sockets: the official SDK exporters
// deliver when they trust the CA; with a client CA (mutual TLS) a client without a certificate signed by it is refused;
// unusable files fail the start naming the file; slow handshakes are cut; draining still says Connection: close /
// GOAWAY through TLS.
import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type ReceiverHarness } from '../support/otlp-harness.js';
import { RawOtlpGrpcClient } from '../support/otlp-grpc-client.js';
import { logsProto } from '../support/otlp-requests.js';
import { sdkLogs } from '../support/otlp-sdk.js';
import { makeCertificates, type CertFiles } from '../support/tls-certs.js';
import { peerCertificate, postTls } from '../support/tls-clients.js';

let certs: CertFiles;
let stranger: CertFiles;
let ca: Buffer;
const cleanup: (() => Promise<void> | void)[] = [];

beforeAll(() => {
  certs = makeCertificates();
  // Another CA with its own client certificate: trusted by nobody here.
  stranger = makeCertificates();
  ca = readFileSync(certs.caCert);
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const serverTls = () => ({ cert_file: certs.serverCert, key_file: certs.serverKey });
const mutualTls = () => ({ ...serverTls(), client_ca_file: certs.caCert });
const client = () => ({ ca, cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) });

async function started(protocols: Parameters<typeof startReceiver>[0]): Promise<ReceiverHarness> {
  const h = await startReceiver(protocols);
  cleanup.push(() => h.close());
  return h;
}

function grpcClient(h: ReceiverHarness, credentials: grpc.ChannelCredentials): RawOtlpGrpcClient {
  // The certificate names 127.0.0.1 and localhost; connecting by address and checking for localhost avoids SNI with an IP.
  const c = new RawOtlpGrpcClient(`localhost:${h.grpc.port}`, { 'grpc.ssl_target_name_override': 'localhost' }, credentials);
  cleanup.push(() => c.close());
  return c;
}

describe('receiver:otlp TLS', () => {
  it('serves the official SDK exporters over TLS on HTTP and gRPC when they trust the CA', async () => {
    const h = await started({ http: { tls: serverTls() }, grpc: { tls: serverTls() } });
    for (const [protocol, port] of [['http/protobuf', h.http.port], ['grpc', h.grpc.port]] as const) {
      const sdk = sdkLogs(protocol, `https://localhost:${port}`, { tls: { ca } });
      cleanup.push(() => sdk.shutdown());
      for (let i = 0; i < 3; i++) sdk.logger.emit({ body: `over ${protocol} ${i}` });
      await sdk.flush();
    }
    await h.ctx.waitForItems(6);
    expect(h.receiver.stats()).toMatchObject({ acceptedRequests: 2, acceptedItems: 6 });
  });

  it('is refused by a client that does not trust its CA, and refuses a client that does not speak TLS', async () => {
    const h = await started({ http: { tls: serverTls() }, grpc: { tls: serverTls() } });
    const untrusting = await postTls(h.http.port, '/v1/logs', logsProto(['x']), { ca: readFileSync(stranger.caCert) });
    expect(untrusting).toMatchObject({ ok: false, error: expect.stringMatching(/CERT|SIGNATURE|VERIFY|ISSUER/) });
    const plain = await fetch(`http://127.0.0.1:${h.http.port}/v1/logs`, { method: 'POST', body: logsProto(['x']) }).then(
      (r) => `status ${r.status}`,
      () => 'refused',
    );
    expect(plain).toBe('refused');
    expect(h.ctx.items()).toBe(0);
  });
});

describe('receiver:otlp mutual TLS', () => {
  it('HTTP: refuses a client without a certificate or with one from another CA, accepts one signed by client_ca_file', async () => {
    const h = await started({ http: { tls: mutualTls() } });
    const body = logsProto(['one', 'two']);
    expect(await postTls(h.http.port, '/v1/logs', body, { ca })).toMatchObject({ ok: false });
    const foreign = { ca, cert: readFileSync(stranger.clientCert), key: readFileSync(stranger.clientKey) };
    expect(await postTls(h.http.port, '/v1/logs', body, foreign)).toMatchObject({ ok: false });
    expect(h.ctx.items()).toBe(0);
    expect(await postTls(h.http.port, '/v1/logs', body, client())).toMatchObject({ ok: true, status: 200 });
    expect(h.ctx.items()).toBe(2);
    // Refusals are logged, not silent.
    expect(h.ctx.logs.some((l) => String(l.msg).includes('TLS handshake failed'))).toBe(true);
  });

  it('gRPC: refuses a client without a certificate, accepts the SDK exporter presenting one', async () => {
    const h = await started({ grpc: { tls: mutualTls() } });
    const anonymous = grpcClient(h, grpc.credentials.createSsl(ca));
    expect(await anonymous.export('logs', logsProto(['x']))).toMatchObject({ ok: false, code: grpc.status.UNAVAILABLE });
    const { cert, key } = client();
    const sdk = sdkLogs('grpc', `https://localhost:${h.grpc.port}`, { tls: { ca, cert, key } });
    cleanup.push(() => sdk.shutdown());
    sdk.logger.emit({ body: 'with a client certificate' });
    await sdk.flush();
    await h.ctx.waitForItems(1);
    expect(h.ctx.items()).toBe(1);
  });

  it('include_system_ca_certs_pool: alone it requires a certificate from a system CA; with client_ca_file, that CA counts too', async () => {
    const systemOnly = await started({ http: { tls: { ...serverTls(), include_system_ca_certs_pool: true } } });
    expect(await postTls(systemOnly.http.port, '/v1/logs', logsProto(['x']), { ca })).toMatchObject({ ok: false });
    expect(await postTls(systemOnly.http.port, '/v1/logs', logsProto(['x']), client())).toMatchObject({ ok: false });
    const both = await started({ http: { tls: { ...mutualTls(), include_system_ca_certs_pool: true } } });
    expect(await postTls(both.http.port, '/v1/logs', logsProto(['x']), client())).toMatchObject({ ok: true, status: 200 });
  });

  it('trusts the inline client_ca_pem and serves the inline cert_pem / key_pem', async () => {
    const pemTls = {
      cert_pem: readFileSync(certs.serverCert, 'utf8'),
      key_pem: readFileSync(certs.serverKey, 'utf8'),
      client_ca_pem: readFileSync(certs.caCert, 'utf8'),
    };
    const h = await started({ http: { tls: pemTls } });
    expect(await postTls(h.http.port, '/v1/logs', logsProto(['x']), { ca })).toMatchObject({ ok: false });
    expect(await postTls(h.http.port, '/v1/logs', logsProto(['x']), client())).toMatchObject({ ok: true, status: 200 });
  });
});

describe('receiver:otlp TLS files and handshakes', () => {
  it('fails to start, naming the field and the file, when a file is missing or not what it should be', async () => {
    await expect(startReceiver({ grpc: { tls: { ...serverTls(), cert_file: '/nonexistent/server.crt' } } })).rejects.toThrow(
      'protocols.grpc.tls: cert_file /nonexistent/server.crt: no such file',
    );
    await expect(startReceiver({ http: { tls: { ...serverTls(), key_file: certs.caCert } } })).rejects.toThrow(
      new RegExp(`protocols\\.http\\.tls: key_file ${certs.caCert}: not a usable private key`),
    );
    await expect(startReceiver({ http: { tls: { ...mutualTls(), client_ca_file: certs.serverKey } } })).rejects.toThrow(
      new RegExp(`client_ca_file ${certs.serverKey}: no PEM certificate`),
    );
  });

  it('closes a connection whose handshake does not finish within handshake_timeout', async () => {
    const h = await started({ grpc: { tls: { ...serverTls(), handshake_timeout: '200ms' } } });
    const silent = net.connect(h.grpc.port, '127.0.0.1');
    cleanup.push(() => void silent.destroy());
    await new Promise<void>((resolve) => silent.once('close', () => resolve()));
    expect(h.ctx.logs.some((l) => l.reason === 'ERR_TLS_HANDSHAKE_TIMEOUT')).toBe(true);
  });
});

describe('receiver:otlp drain with TLS', () => {
  it('HTTP: answers with Connection: close on a kept-alive TLS connection and resolves once the client left', async () => {
    const h = await started({ http: { tls: serverTls() } });
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca });
    cleanup.push(() => agent.destroy());
    const first = await postTls(h.http.port, '/v1/logs', logsProto(['before']), {}, agent);
    expect(first).toMatchObject({ ok: true, status: 200 });
    expect(first.ok && first.headers.connection).not.toBe('close');
    const drained = h.receiver.drain(Date.now() + 5_000);
    const during = await postTls(h.http.port, '/v1/logs', logsProto(['during']), {}, agent);
    expect(during).toMatchObject({ ok: true, status: 200, headers: { connection: 'close' } });
    await drained;
    expect(h.ctx.items()).toBe(2);
    expect(h.http.connections).toBe(1);
  });

  it('gRPC: sends GOAWAY through TLS', async () => {
    const h = await started({ grpc: { tls: serverTls() } });
    const session = http2.connect(`https://localhost:${h.grpc.port}`, { ca });
    cleanup.push(() => void session.destroy());
    session.on('error', () => undefined);
    await new Promise<void>((resolve) => session.once('connect', () => resolve()));
    const goaway = new Promise<void>((resolve) => session.once('goaway', () => resolve()));
    const drained = h.receiver.drain(Date.now() + 5_000);
    await goaway;
    session.close();
    await drained;
  });
});

describe('receiver:otlp peer certificate', () => {
  it('presents the configured certificate on both listeners', async () => {
    const h = await started({ http: { tls: serverTls() }, grpc: { tls: serverTls() } });
    expect(await peerCertificate(h.http.port, { ca }, 'http/1.1')).toEqual({ ok: true, commonName: 'otap-engine test server' });
    expect(await peerCertificate(h.grpc.port, { ca }, 'h2')).toEqual({ ok: true, commonName: 'otap-engine test server' });
  });
});
