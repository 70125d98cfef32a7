// Starts and stops the admin HTTP(S) server. The engine (composition root) calls this once; tests call it with a test
// backend on port 0.
import { createServer, type Server } from 'node:http';
import { createServer as createSecureServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createAdminApp } from './app.js';
import type { AdminTokenSource } from './auth.js';
import type { AdminMetrics } from './metrics.js';
import type { LiveAdminBackend, TelemetryReader } from '../state/commands.js';
import { formatAddress, parseBindAddress } from './bind-address.js';
import { answerClientError } from './client-error.js';
import type { AdminTls } from './tls-settings.js';

export interface AdminServerOptions {
  backend: LiveAdminBackend;
  /** `host:port`; port 0 picks a free port. */
  bind: string;
  logger: Logger;
  /** Largest JSON body accepted, in bytes (default 1 MiB). */
  bodyLimitBytes?: number;
  /** When given, every request but the probes must carry this bearer token. */
  auth?: AdminTokenSource;
  metrics?: AdminMetrics;
  telemetry?: TelemetryReader;
  /** When given, the API speaks HTTPS only; with `clientCa`, every client must present a certificate it issued. */
  tls?: AdminTls;
}

/** How long answers in flight may take to finish once the server closes; then every connection is cut. */
const CLOSE_GRACE_MS = 1000;

export interface AdminServer {
  /** `host:port` actually bound (port 0 resolved). */
  address: string;
  /** `http://host:port` or `https://host:port`. */
  url: string;
  /** Stops listening and cuts open connections at once. Idempotent. */
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function startAdminServer(options: AdminServerOptions): Promise<AdminServer> {
  const { host, port } = parseBindAddress(options.bind);
  const app = createAdminApp({
    backend: options.backend,
    logger: options.logger,
    ...(options.bodyLimitBytes !== undefined ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
    ...(options.auth !== undefined ? { auth: options.auth } : {}),
    ...(options.metrics !== undefined ? { metrics: options.metrics } : {}),
    ...(options.telemetry !== undefined ? { telemetry: options.telemetry } : {}),
  });
  const server = options.tls ? secureServer(options.tls, app, options.logger) : createServer(app);
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => answerClientError(err, socket, options.logger));
  await listen(server, host, port);
  server.on('error', (err) => options.logger.error({ err }, 'admin server error'));
  const address = formatAddress(server.address() as AddressInfo);
  const url = `${options.tls ? 'https' : 'http'}://${address}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      // An answer being written (the waited `POST /groups/shutdown` answers just before the engine closes this server)
      // gets a moment to reach its client; idle keep-alive sockets would hold close() open for seconds (DESIGN.md §8).
      const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      server.close((err) => {
        clearTimeout(cut);
        if (err) reject(err);
        else resolve();
      });
      server.closeIdleConnections();
    });
    return closing;
  };
  return { address, url, close };
}

function secureServer(tls: AdminTls, app: Parameters<typeof createServer>[1], logger: Logger): Server {
  const mutual = tls.clientCa !== undefined;
  const server = createSecureServer(
    {
      cert: tls.cert,
      key: tls.key,
      // Mutual TLS: a client without a certificate from these CAs never gets past the handshake, probes included.
      ...(mutual ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
    },
    app,
  );
  // Plain HTTP on this port, a client certificate refused, a scanner: the handshake fails and the connection closes.
  server.on('tlsClientError', (err: NodeJS.ErrnoException) => logger.debug({ code: err.code, reason: err.message }, 'admin TLS handshake failed'));
  return server as unknown as Server;
}
