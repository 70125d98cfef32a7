// The /api/v1 router: one registration per resource, ids validated once for all of them.
import { Router } from 'express';
import { validateIdParams } from '../path-params.js';
import { registerConfigRoutes } from './config.js';
import type { RouteDeps } from './deps.js';
import { registerGroupRoutes } from './groups.js';
import { registerOpenApiRoutes } from './openapi.js';
import { registerPipelineRoutes } from './pipelines.js';
import { registerReconcileRoutes } from './reconcile.js';
import { registerRolloutRoutes } from './rollouts.js';
import { registerShutdownRoutes } from './shutdowns.js';
import { registerStartRoutes } from './start.js';
import { registerStatusRoutes } from './status.js';
import { registerTelemetryRoutes } from './telemetry.js';

export function apiV1Router(deps: RouteDeps): Router {
  const router = Router();
  validateIdParams(router);
  registerStatusRoutes(router, deps);
  registerConfigRoutes(router, deps);
  registerReconcileRoutes(router, deps);
  registerGroupRoutes(router, deps);
  registerPipelineRoutes(router, deps);
  registerRolloutRoutes(router, deps);
  registerShutdownRoutes(router, deps);
  registerStartRoutes(router, deps);
  registerOpenApiRoutes(router);
  registerTelemetryRoutes(router, deps);
  return router;
}
