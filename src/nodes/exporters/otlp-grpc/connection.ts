// One HTTP/2 connection to the gRPC peer, opened on first use and again after it is lost: TCP with the configured
// socket options, TLS when the endpoint is https://, both bounded by connect_timeout, then an HTTP/2 session with the
// configured windows and keepalive pings. A connection that fails is not retried here: the call fails UNAVAILABLE
// and the runtime's retries pace the next attempt.
import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import { keepPinging } from '../../../util/http2-keepalive.js';

export interface ConnectionSettings {
  host: string;
  port: number;
  /** `https://host:port` or `http://host:port`: the origin the session is for. */
  origin: string;
  /** TLS options when the endpoint is https://. */
  tls?: tls.ConnectionOptions;
  connectTimeoutMs: number;
  noDelay: boolean;
  /** Idle time before TCP keepalive probes; undefined: none. */
  tcpKeepAliveMs?: number;
  streamWindow?: number;
  connectionWindow?: number;
  /** HTTP/2 PING every so often; undefined: none. */
  pingIntervalMs?: number;
  /** A PING not answered in this time means the peer is gone: the connection is dropped. */
  pingTimeoutMs?: number;
  /** Ping also when no call is in flight. */
  pingWhileIdle: boolean;
}

export class Http2Connection {
  /** Calls on this connection now: the pool sends the next call to the least busy connection. */
  inFlight = 0;
  private session: http2.ClientHttp2Session | undefined;
  private connecting: Promise<http2.ClientHttp2Session> | undefined;
  private closed = false;

  constructor(private readonly settings: ConnectionSettings) {}

  /** The live session, connecting first when there is none. Rejects with why the connection could not be made. */
  acquire(): Promise<http2.ClientHttp2Session> {
    const session = this.session;
    if (session && !session.closed && !session.destroyed) return Promise.resolve(session);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /** Stops using `session` (it refused a new stream): the next call opens another. */
  discard(session: http2.ClientHttp2Session): void {
    if (this.session === session) this.session = undefined;
    session.close();
  }

  /** Closes at once; calls in flight end (CANCELLED). */
  close(): void {
    this.closed = true;
    this.session?.destroy();
    this.session = undefined;
  }

  private async open(): Promise<http2.ClientHttp2Session> {
    if (this.closed) throw new Error('the exporter is stopping');
    const socket = await connectSocket(this.settings);
    if (this.closed) {
      socket.destroy();
      throw new Error('the exporter is stopping');
    }
    const { streamWindow } = this.settings;
    const session = http2.connect(this.settings.origin, {
      createConnection: () => socket,
      settings: { enablePush: false, ...(streamWindow !== undefined ? { initialWindowSize: streamWindow } : {}) },
    });
    // A session error is also delivered to its streams (their calls fail UNAVAILABLE); here it only must not throw.
    session.on('error', () => {});
    // The peer is going away (a draining receiver): calls in flight finish, new ones go to a new connection.
    session.on('goaway', () => {
      if (this.session === session) this.session = undefined;
    });
    session.on('close', () => {
      if (this.session === session) this.session = undefined;
    });
    await this.established(session);
    const { connectionWindow } = this.settings;
    if (connectionWindow !== undefined && connectionWindow > session.state.localWindowSize!) session.setLocalWindowSize(connectionWindow);
    this.keepAlive(session);
    if (this.closed) {
      session.destroy();
      throw new Error('the exporter is stopping');
    }
    this.session = session;
    return session;
  }

  private established(session: http2.ClientHttp2Session): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`HTTP/2 handshake not done within ${this.settings.connectTimeoutMs} ms`)), this.settings.connectTimeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        session.destroy();
        reject(error);
      };
      session.once('connect', () => {
        clearTimeout(timer);
        session.off('close', closed);
        session.off('error', fail);
        resolve();
      });
      const closed = () => fail(new Error('the peer closed the connection during the HTTP/2 handshake'));
      session.once('close', closed);
      session.once('error', fail);
    });
  }

  private keepAlive(session: http2.ClientHttp2Session): void {
    const { pingIntervalMs, pingTimeoutMs, pingWhileIdle } = this.settings;
    if (pingIntervalMs === undefined) return;
    keepPinging(session, { intervalMs: pingIntervalMs, timeoutMs: pingTimeoutMs, shouldPing: () => pingWhileIdle || this.inFlight > 0 });
  }
}

/** TCP, then TLS when configured, within connect_timeout. */
function connectSocket(settings: ConnectionSettings): Promise<net.Socket> {
  return new Promise<net.Socket>((resolve, reject) => {
    const tcp = net.connect({
      host: settings.host,
      port: settings.port,
      noDelay: settings.noDelay,
      keepAlive: settings.tcpKeepAliveMs !== undefined,
      ...(settings.tcpKeepAliveMs !== undefined ? { keepAliveInitialDelay: settings.tcpKeepAliveMs } : {}),
    });
    let current: net.Socket = tcp;
    const timer = setTimeout(() => fail(new Error(`connect timed out after ${settings.connectTimeoutMs} ms`)), settings.connectTimeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      current.destroy();
      reject(error);
    };
    // Errors after the handshake reach the HTTP/2 session (and its calls); until it takes the socket, none may throw.
    const quiet = () => {};
    tcp.once('error', fail);
    tcp.once('connect', () => {
      if (!settings.tls) {
        clearTimeout(timer);
        tcp.off('error', fail);
        tcp.on('error', quiet);
        resolve(tcp);
        return;
      }
      // Without an override the endpoint's host is what the certificate must name (and the SNI, when it is a name).
      const servername = settings.tls.servername ?? (net.isIP(settings.host) === 0 ? settings.host : undefined);
      const secure = tls.connect({ ...settings.tls, socket: tcp, ALPNProtocols: ['h2'], ...(servername ? { servername } : {}), host: settings.host });
      current = secure;
      tcp.off('error', fail);
      tcp.on('error', quiet);
      const handshakeFailed = (error: Error) => fail(describeTlsError(error));
      secure.once('error', handshakeFailed);
      secure.once('secureConnect', () => {
        clearTimeout(timer);
        secure.off('error', handshakeFailed);
        secure.on('error', quiet);
        resolve(secure);
      });
    });
  });
}

/** The handshake is named, so that a certificate problem reads as one. */
function describeTlsError(error: Error): Error {
  const described = new Error(`TLS handshake failed: ${error.message}`);
  (described as NodeJS.ErrnoException).code = (error as NodeJS.ErrnoException).code;
  return described;
}
