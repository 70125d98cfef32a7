// The admin Express application: middleware order is the design here. Security headers first (so every answer has
// them), then the request log, then authentication (before any router, so no body is read for a refused request), then
// routes, then the JSON 404, then the one error handler.
import express, { Router, type Express } from 'express';
import type { Logger } from 'pino';
import { requireBearerToken, type AdminTokenSource } from './auth.js';
import type { LiveAdminBackend, TelemetryReader } from '../state/commands.js';
import { errorHandler, routeNotFound } from './error-handler.js';
import { DEFAULT_BODY_LIMIT_BYTES } from './json-body.js';
import { adminLatency, standaloneAdminMetrics, type AdminMetrics } from './metrics.js';
import { requestLog } from './request-log.js';
import { resource } from './resource.js';
import { mountConsole } from './routes/console.js';
import { apiV1Router } from './routes/index.js';
import { PROBE_PATHS, statusHandler } from './routes/status.js';
import { securityHeaders } from './security-headers.js';

export interface AdminAppOptions {
  backend: LiveAdminBackend;
  logger: Logger;
  /** Largest JSON body accepted, in bytes (default 1 MiB). */
  bodyLimitBytes?: number;
  /** When given, every request but the probes must carry this bearer token. */
  auth?: AdminTokenSource;
  /** The registry `GET /metrics` serves, where request latencies are recorded (the app's own when absent). */
  metrics?: AdminMetrics;
  /** The engine's metric sets and log tap (`/telemetry/*`); without an engine there are none. */
  telemetry?: TelemetryReader;
}

const NO_ENGINE_TELEMETRY: TelemetryReader = { metricSets: () => Promise.resolve([]), logs: () => undefined };

const API_V1 = '/api/v1';
const OPEN_PATHS: ReadonlySet<string> = new Set(Object.values(PROBE_PATHS).map((path) => `${API_V1}${path}`));

export function createAdminApp({
  backend,
  logger,
  bodyLimitBytes = DEFAULT_BODY_LIMIT_BYTES,
  auth,
  metrics = standaloneAdminMetrics(),
  telemetry = NO_ENGINE_TELEMETRY,
}: AdminAppOptions): Express {
  if (!Number.isSafeInteger(bodyLimitBytes) || bodyLimitBytes <= 0) {
    throw new RangeError(`bodyLimitBytes must be a positive integer, got ${bodyLimitBytes}`);
  }
  const app = express();
  app.disable('x-powered-by');
  // Status changes from one request to the next; a 304 would hand out a stale view.
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(securityHeaders());
  app.use(adminLatency(metrics));
  app.use(requestLog(logger));
  mountConsole(app, { backend, logs: (query) => telemetry.logs(query), ...(auth !== undefined ? { auth } : {}) });
  if (auth !== undefined) app.use(requireBearerToken({ source: auth, publicPaths: OPEN_PATHS }));

  const root = Router();
  // Upstream serves the engine status at the root too; scripts written against it call /status.
  resource(root, '/status', { get: statusHandler(backend) });
  app.use(root);
  app.use(API_V1, apiV1Router({ backend, bodyLimitBytes, metrics, telemetry }));

  app.use(routeNotFound());
  app.use(errorHandler(logger));
  return app;
}
