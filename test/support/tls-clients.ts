// Plain Node clients for TLS listeners: one that only does the handshake and reports the server certificate it saw,
// and one OTLP/HTTP POST over https. Outcomes are values, so a refused handshake is something a test can assert on.
import https from 'node:https';
import tls from 'node:tls';

export interface ClientIdentity {
  /** CA to trust (PEM). */
  ca: Buffer;
  /** Client certificate and key, for mutual TLS. */
  cert?: Buffer;
  key?: Buffer;
}

export type HandshakeOutcome = { ok: true; commonName: string } | { ok: false; error: string };

/** A fresh TLS connection to `port`: the CN of the certificate the server presented, or why the handshake failed. */
export function peerCertificate(port: number, identity: ClientIdentity, alpn: string): Promise<HandshakeOutcome> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ALPNProtocols: [alpn], ...identity });
    socket.once('secureConnect', () => {
      const subject = socket.getPeerCertificate().subject as unknown as Record<string, string> | undefined;
      resolve({ ok: true, commonName: subject?.CN ?? '' });
      socket.end();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, error: error.code ?? error.message }));
  });
}

export type PostOutcome = { ok: true; status: number; headers: Record<string, unknown> } | { ok: false; error: string };

/** POSTs an OTLP/HTTP protobuf body to `https://127.0.0.1:<port><path>`. */
export function postTls(
  port: number,
  path: string,
  body: Uint8Array,
  identity: Partial<ClientIdentity>,
  agent: https.Agent | false = false,
): Promise<PostOutcome> {
  return new Promise((resolve) => {
    const request = https.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
        ...(agent === false ? identity : {}),
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ ok: true, status: response.statusCode ?? 0, headers: response.headers }));
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, error: error.code ?? error.message }));
    request.end(body);
  });
}
