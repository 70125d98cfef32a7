// exporter:otlp_grpc and exporter:otlp_http over TLS, against real TLS peers on 127.0.0.1 port 0 (a grpc-js server and
// a node:https server) with certificates made by openssl: the CA trusted from a file or inline, a client certificate
// sent when the peer requires one (and the handshake failing without it), server_name_override deciding which name the
// certificate must carry, and a peer whose certificate is not trusted failing the export instead of receiving data.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOtlpGrpcExporter } from '../../src/nodes/exporters/otlp-grpc/exporter.js';
import { createOtlpHttpExporter } from '../../src/nodes/exporters/otlp-http/exporter.js';
import { exportService } from '../../src/nodes/receivers/otlp/grpc-service.js';
import type { Exporter, NodeContext } from '../../src/pipeline/node.js';
import { SIGNALS, type ExportResult } from '../../src/pipeline/pdata.js';
import { captureLogs } from '../pipeline/helpers/logs.js';
import { logBodies, uniqueLogs } from '../pipeline/helpers/otlp.js';
import { makeCertificates, type CertFiles } from '../support/tls-certs.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let certs: CertFiles;
beforeAll(() => {
  // The server certificate names 127.0.0.1, localhost and otlp.test.
  certs = makeCertificates({ serverNames: ['otlp.test'] });
});

const quiet = { name: 'out', logger: pino({ level: 'silent' }) } as NodeContext;

interface TlsPeer {
  port: number;
  /** Records received, in the order they arrived. */
  records: string[];
}

/** A grpc-js OTLP server over TLS; `requireClientCert`: mutual TLS against the same CA. */
async function grpcTlsPeer(requireClientCert = false): Promise<TlsPeer> {
  const server = new grpc.Server();
  const peer: TlsPeer = { port: 0, records: [] };
  for (const signal of SIGNALS) {
    server.addService(exportService(signal), {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
        if (signal === 'logs') peer.records.push(...logBodies(call.request));
        callback(null, Buffer.alloc(0));
      },
    });
  }
  const credentials = grpc.ServerCredentials.createSsl(
    readFileSync(certs.caCert),
    [{ cert_chain: readFileSync(certs.serverCert), private_key: readFileSync(certs.serverKey) }],
    requireClientCert,
  );
  peer.port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', credentials, (e, p) => (e ? reject(e) : resolve(p))));
  cleanups.push(async () => server.forceShutdown());
  return peer;
}

/** A node:https OTLP/HTTP server; `requireClientCert`: mutual TLS against the same CA. */
async function httpsPeer(requireClientCert = false): Promise<TlsPeer> {
  const peer: TlsPeer = { port: 0, records: [] };
  const server = https.createServer(
    { cert: readFileSync(certs.serverCert), key: readFileSync(certs.serverKey), ca: readFileSync(certs.caCert), requestCert: requireClientCert, rejectUnauthorized: requireClientCert },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/v1/logs') peer.records.push(...logBodies(Buffer.concat(chunks)));
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer.port = (server.address() as AddressInfo).port;
  cleanups.push(() => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))));
  return peer;
}

type Kind = 'grpc' | 'http';

/** An exporter of `kind` to https://`host`:`port` with this `tls` block, started. */
async function exporter(kind: Kind, host: string, port: number, tls: Record<string, unknown> | undefined, ctx = quiet): Promise<Exporter> {
  const endpoint = `https://${host}:${port}`;
  const instance =
    kind === 'grpc'
      ? createOtlpGrpcExporter('out', { grpc_endpoint: endpoint, timeout: '5s', ...(tls ? { tls } : {}) })
      : createOtlpHttpExporter('out', { endpoint, http: { timeout: '5s', ...(tls ? { tls } : {}) } });
  const node = instance.node as Exporter;
  await node.start(ctx);
  cleanups.push(() => node.stop());
  return node;
}

const peerFor = (kind: Kind, requireClientCert = false) => (kind === 'grpc' ? grpcTlsPeer(requireClientCert) : httpsPeer(requireClientCert));

/** Sends one message; returns the result and the records the peer got from it. */
async function send(out: Exporter, peer: TlsPeer): Promise<{ result: ExportResult; arrived: boolean }> {
  const { pdata, bodies } = uniqueLogs(2);
  const result = await out.export(pdata);
  return { result, arrived: bodies.every((b) => peer.records.includes(b)) };
}

describe.each<Kind>(['grpc', 'http'])('exporter:otlp_%s over TLS', (kind) => {
  it('trusts the CA of ca_file (alone) or ca_pem (beside the public roots)', async () => {
    const peer = await peerFor(kind);
    const byFile = await exporter(kind, '127.0.0.1', peer.port, { ca_file: certs.caCert, include_system_ca_certs_pool: false });
    expect(await send(byFile, peer)).toEqual({ result: { kind: 'success' }, arrived: true });
    const byPem = await exporter(kind, 'localhost', peer.port, { ca_pem: readFileSync(certs.caCert, 'utf8') });
    expect(await send(byPem, peer)).toEqual({ result: { kind: 'success' }, arrived: true });
  });

  it('fails the export, never delivering, when the peer certificate is not trusted', async () => {
    const peer = await peerFor(kind);
    // Only the public roots: the test CA is not among them.
    const out = await exporter(kind, '127.0.0.1', peer.port, undefined);
    const { result, arrived } = await send(out, peer);
    expect(result.kind).toBe('retryable');
    expect((result as { reason: string }).reason).toMatch(/unable to verify|self.signed|certificate/i);
    expect(arrived).toBe(false);
    expect(peer.records).toEqual([]);
  });

  it('sends its client certificate (files or inline PEM) to a peer that requires one; without one the handshake fails', async () => {
    const peer = await peerFor(kind, true);
    const withFiles = await exporter(kind, '127.0.0.1', peer.port, { ca_file: certs.caCert, cert_file: certs.clientCert, key_file: certs.clientKey });
    expect(await send(withFiles, peer)).toEqual({ result: { kind: 'success' }, arrived: true });
    const inline = { ca_file: certs.caCert, cert_pem: readFileSync(certs.clientCert, 'utf8'), key_pem: readFileSync(certs.clientKey, 'utf8') };
    expect(await send(await exporter(kind, '127.0.0.1', peer.port, inline), peer)).toEqual({ result: { kind: 'success' }, arrived: true });
    const before = peer.records.length;
    const without = await exporter(kind, '127.0.0.1', peer.port, { ca_file: certs.caCert });
    const { result, arrived } = await send(without, peer);
    expect(result.kind).toBe('retryable');
    expect(arrived).toBe(false);
    expect(peer.records).toHaveLength(before);
  });

  it('checks the certificate against server_name_override instead of the endpoint host', async () => {
    const peer = await peerFor(kind);
    const named = await exporter(kind, '127.0.0.1', peer.port, { ca_file: certs.caCert, server_name_override: 'otlp.test' });
    expect(await send(named, peer)).toEqual({ result: { kind: 'success' }, arrived: true });
    // The certificate names 127.0.0.1 too: only the override can make this fail.
    const wrong = await exporter(kind, '127.0.0.1', peer.port, { ca_file: certs.caCert, server_name_override: 'other.test' });
    const { result, arrived } = await send(wrong, peer);
    expect(result.kind).toBe('retryable');
    expect((result as { reason: string }).reason).toMatch(/other\.test/);
    expect(arrived).toBe(false);
  });

  it('connects without checking the certificate only with insecure_skip_verify, and says so', async () => {
    const peer = await peerFor(kind);
    const logs = captureLogs();
    const out = await exporter(kind, '127.0.0.1', peer.port, { insecure_skip_verify: true }, { name: 'out', logger: logs.logger } as NodeContext);
    expect(await send(out, peer)).toEqual({ result: { kind: 'success' }, arrived: true });
    expect(logs.count('TLS without checking the server certificate (tls.insecure_skip_verify: true): anyone on the path can read and change the data')).toBe(1);
  });

  it('does not start when a file cannot be read or the certificates are unusable, naming the setting and never the key', async () => {
    const missing = join(certs.dir, 'missing-ca.crt');
    await expect(exporter(kind, '127.0.0.1', 1, { ca_file: missing })).rejects.toThrow(`tls.ca_file: cannot read "${missing}": ENOENT`);
    await expect(exporter(kind, '127.0.0.1', 1, { cert_file: certs.clientCert, key_file: join(certs.dir, 'gone.key') })).rejects.toThrow(/tls\.key_file: cannot read .*gone\.key/);
    // The server's key with the client's certificate: OpenSSL refuses the pair; the key's text must not be in the error.
    const keyPem = readFileSync(certs.serverKey, 'utf8');
    const mismatch = exporter(kind, '127.0.0.1', 1, { cert_file: certs.clientCert, key_pem: keyPem });
    await expect(mismatch).rejects.toThrow(/^tls: the configured certificates cannot be used: .*key values mismatch/);
    await expect(mismatch).rejects.not.toThrow(keyPem.split('\n')[1]!);
  });
});
