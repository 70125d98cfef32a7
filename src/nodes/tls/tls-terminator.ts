// TLS on connections the supervisor accepted: a tls.Server that never listens is given each plain socket, runs the
// handshake (bounded by handshake_timeout; with mutual TLS, refusing a client whose certificate does not chain to the
// configured CAs) and hands the decrypted socket on to the protocol server, which treats it like a plain connection.
// Both OTLP protocols use it, so TLS behaves the same on gRPC and HTTP. A reloaded certificate is swapped into the
// server's secure context and used from the next handshake on; connections already open keep theirs.
import type { Socket } from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import type { ServerTlsMaterial } from './server-tls.js';

/** Failed handshakes are logged when the first happens, then at most once a minute with how many there were. */
const LOG_EVERY_MS = 60_000;

export class TlsTerminator {
  private readonly server: tls.Server;
  private failedSinceLog = 0;
  private loggedAt = Number.NEGATIVE_INFINITY;
  /** The TCP connections taken and still open, so that a stop can close handshakes under way too. */
  private readonly sockets = new Set<Socket>();

  constructor(
    material: ServerTlsMaterial,
    /** ALPN protocols offered: `h2` for gRPC, `http/1.1` for OTLP/HTTP. */
    alpn: string[],
    onSecure: (socket: tls.TLSSocket) => void,
    private readonly logger: Logger,
    private readonly where: string,
  ) {
    this.server = tls.createServer({
      ...material.contextOptions(),
      requestCert: material.mutual,
      rejectUnauthorized: material.mutual,
      handshakeTimeout: material.handshakeTimeoutMs,
      ALPNProtocols: alpn,
    });
    this.server.on('secureConnection', onSecure);
    this.server.on('tlsClientError', (error, socket) => this.failed(error, socket));
    material.onChange((options) => this.server.setSecureContext(options));
  }

  /** Starts the handshake on a socket accepted paused (pauseOnConnect). */
  accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    this.server.emit('connection', socket);
    socket.resume();
  }

  /** Closes every connection at once, established or still in its handshake. */
  closeAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private failed(error: Error & { code?: string }, socket: tls.TLSSocket): void {
    this.failedSinceLog++;
    // Node closes the socket after this event; destroying here too covers a handshake timeout, which it leaves open.
    socket.destroy();
    const now = performance.now();
    if (now - this.loggedAt < LOG_EVERY_MS) return;
    this.logger.warn(
      { reason: error.code ?? error.message, failedHandshakes: this.failedSinceLog, remoteAddress: socket.remoteAddress },
      `${this.where}: TLS handshake failed, connection closed (logged at most once a minute)`,
    );
    this.loggedAt = now;
    this.failedSinceLog = 0;
  }
}
