// Starts and stops the admin HTTP server. The engine (composition root) calls this once; tests call it with a test
// backend on port 0.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createAdminApp } from './app.js';
import type { AdminTokenSource } from './auth.js';
import type { AdminMetrics } from './metrics.js';
import type { LiveAdminBackend } from './backend.js';
import { formatAddress, parseBindAddress } from './bind-address.js';
import { answerClientError } from './client-error.js';

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
}

export interface AdminServer {
  /** `host:port` actually bound (port 0 resolved). */
  address: string;
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
  });
  const server = createServer(app);
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => answerClientError(err, socket, options.logger));
  await listen(server, host, port);
  server.on('error', (err) => options.logger.error({ err }, 'admin server error'));
  const address = formatAddress(server.address() as AddressInfo);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      // close() only stops accepting; keep-alive sockets would hold it open for seconds (DESIGN.md §8).
      server.closeAllConnections();
    });
    return closing;
  };
  return { address, close };
}
