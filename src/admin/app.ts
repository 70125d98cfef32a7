// The admin Express application: middleware order is the design here. Security headers first (so every answer has
// them), then the request log, then routes, then the JSON 404, then the one error handler.
import express, { Router, type Express } from 'express';
import type { Logger } from 'pino';
import type { LiveAdminBackend } from './backend.js';
import { errorHandler, routeNotFound } from './error-handler.js';
import { DEFAULT_BODY_LIMIT_BYTES } from './json-body.js';
import { requestLog } from './request-log.js';
import { resource } from './resource.js';
import { apiV1Router } from './routes/index.js';
import { statusHandler } from './routes/status.js';
import { securityHeaders } from './security-headers.js';

export interface AdminAppOptions {
  backend: LiveAdminBackend;
  logger: Logger;
  /** Largest JSON body accepted, in bytes (default 1 MiB). */
  bodyLimitBytes?: number;
}

export function createAdminApp({ backend, logger, bodyLimitBytes = DEFAULT_BODY_LIMIT_BYTES }: AdminAppOptions): Express {
  if (!Number.isSafeInteger(bodyLimitBytes) || bodyLimitBytes <= 0) {
    throw new RangeError(`bodyLimitBytes must be a positive integer, got ${bodyLimitBytes}`);
  }
  const app = express();
  app.disable('x-powered-by');
  // Status changes from one request to the next; a 304 would hand out a stale view.
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(securityHeaders());
  app.use(requestLog(logger));

  const root = Router();
  // Upstream serves the engine status at the root too; scripts written against it call /status.
  resource(root, '/status', { get: statusHandler(backend) });
  app.use(root);
  app.use('/api/v1', apiV1Router({ backend, bodyLimitBytes }));

  app.use(routeNotFound());
  app.use(errorHandler(logger));
  return app;
}
