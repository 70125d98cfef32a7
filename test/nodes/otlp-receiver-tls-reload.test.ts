// receiver:otlp re-reads its TLS files every reload_interval: a rotated certificate is presented to the next new
// connection without a restart, on both listeners; a file that does not load leaves the current certificate in use
// and is logged once; a rotated client CA decides which client certificates are accepted from then on.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, type ReceiverHarness } from '../support/otlp-harness.js';
import { logsProto } from '../support/otlp-requests.js';
import { makeCertificates, rotateServerCertificate } from '../support/tls-certs.js';
import { peerCertificate, postTls, type ClientIdentity, type HandshakeOutcome } from '../support/tls-clients.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const ORIGINAL_CN = 'otap-engine test server';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function started(protocols: Parameters<typeof startReceiver>[0]): Promise<ReceiverHarness> {
  const h = await startReceiver(protocols);
  cleanup.push(() => h.close());
  return h;
}

/** New connections until one sees `commonName`; the last outcome when none did within `withinMs`. */
async function untilPresented(port: number, identity: ClientIdentity, alpn: string, commonName: string, withinMs = 10_000): Promise<HandshakeOutcome> {
  const until = Date.now() + withinMs;
  let seen: HandshakeOutcome;
  do {
    seen = await peerCertificate(port, identity, alpn);
    if (seen.ok && seen.commonName === commonName) return seen;
    await sleep(50);
  } while (Date.now() < until);
  return seen;
}

const reloadErrors = (h: ReceiverHarness) => h.ctx.logs.filter((l) => String(l.msg).includes('new TLS files do not load'));

describe('receiver:otlp TLS reload', () => {
  it('presents a rotated certificate to new connections on both listeners after reload_interval', async () => {
    const certs = makeCertificates();
    const tls = { cert_file: certs.serverCert, key_file: certs.serverKey, reload_interval: '100ms' };
    const h = await started({ http: { tls }, grpc: { tls } });
    const identity = { ca: readFileSync(certs.caCert) };
    expect(await peerCertificate(h.http.port, identity, 'http/1.1')).toEqual({ ok: true, commonName: ORIGINAL_CN });

    rotateServerCertificate(certs, 'rotated server');
    expect(await untilPresented(h.http.port, identity, 'http/1.1', 'rotated server')).toEqual({ ok: true, commonName: 'rotated server' });
    expect(await untilPresented(h.grpc.port, identity, 'h2', 'rotated server')).toEqual({ ok: true, commonName: 'rotated server' });
    // And the rotated pair serves requests.
    expect(await postTls(h.http.port, '/v1/logs', logsProto(['after rotation']), identity)).toMatchObject({ ok: true, status: 200 });
    expect(h.ctx.logs.some((l) => String(l.msg).includes('TLS files reloaded'))).toBe(true);
  });

  it('keeps the current certificate when the new file does not load, logs that once, and takes the next good one', async () => {
    const certs = makeCertificates();
    const h = await started({ http: { tls: { cert_file: certs.serverCert, key_file: certs.serverKey, reload_interval: '50ms' } } });
    const identity = { ca: readFileSync(certs.caCert) };
    writeFileSync(certs.serverCert, 'not a certificate\n');
    // Many intervals pass with the same bad file.
    await sleep(600);
    expect(await peerCertificate(h.http.port, identity, 'http/1.1')).toEqual({ ok: true, commonName: ORIGINAL_CN });
    expect(reloadErrors(h)).toHaveLength(1);
    expect(reloadErrors(h)[0]).toMatchObject({ reason: expect.stringContaining(`cert_file ${certs.serverCert}: no PEM certificate`) });

    rotateServerCertificate(certs, 'good again');
    expect(await untilPresented(h.http.port, identity, 'http/1.1', 'good again')).toEqual({ ok: true, commonName: 'good again' });
  });

  it.each([
    ['every reload_interval', { reload_interval: '100ms' }],
    ['on a file event with watch_client_ca', { reload_interval: '1h', watch_client_ca: true }],
  ])('accepts client certificates of a rotated client CA, and no longer those of the old one (%s)', async (_, reload) => {
    const certs = makeCertificates();
    const next = makeCertificates();
    const h = await started({
      http: { tls: { cert_file: certs.serverCert, key_file: certs.serverKey, client_ca_file: certs.caCert, ...reload } },
    });
    const ca = readFileSync(certs.caCert);
    const oldClient = { ca, cert: readFileSync(certs.clientCert), key: readFileSync(certs.clientKey) };
    const newClient = { ca, cert: readFileSync(next.clientCert), key: readFileSync(next.clientKey) };
    expect(await postTls(h.http.port, '/v1/logs', logsProto(['x']), oldClient)).toMatchObject({ ok: true, status: 200 });
    expect(await postTls(h.http.port, '/v1/logs', logsProto(['x']), newClient)).toMatchObject({ ok: false });

    writeFileSync(certs.caCert, readFileSync(next.caCert));
    const until = Date.now() + 10_000;
    let accepted = await postTls(h.http.port, '/v1/logs', logsProto(['x']), newClient);
    while (!accepted.ok && Date.now() < until) {
      await sleep(50);
      accepted = await postTls(h.http.port, '/v1/logs', logsProto(['x']), newClient);
    }
    expect(accepted).toMatchObject({ ok: true, status: 200 });
    expect(await postTls(h.http.port, '/v1/logs', logsProto(['x']), oldClient)).toMatchObject({ ok: false });
  });
});
