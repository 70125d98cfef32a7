// Engine-wide status and probes, and the status of every group (upstream's /groups/status).
import type { RequestHandler, Router } from 'express';
import type { AdminBackend } from '../../state/commands.js';
import type { ProbeResult } from '../../state/status-types.js';
import { resource } from '../resource.js';
import type { RouteDeps } from './deps.js';

/** Also mounted at the root `/status`, where upstream's scripts look for it. */
export function statusHandler(backend: AdminBackend): RequestHandler {
  return (_req, res) => {
    res.status(200).json(backend.status());
  };
}

/**
 * Upstream's codes: a failed livez is 500, a failed readyz 503, each with the ProbeResult as the body, so that load
 * balancers and service managers need only the status code.
 */
const FAILED_STATUS: Record<ProbeResult['probe'], number> = { livez: 500, readyz: 503 };

function probeHandler(probe: () => ProbeResult): RequestHandler {
  return (_req, res) => {
    const result = probe();
    res.status(result.status === 'ok' ? 200 : FAILED_STATUS[result.probe]).json(result);
  };
}

/** The probe paths under /api/v1: the only ones open without the admin token (admin/auth.ts). */
export const PROBE_PATHS = { livez: '/livez', readyz: '/readyz' } as const;

export function registerStatusRoutes(router: Router, { backend }: RouteDeps): void {
  resource(router, '/status', { get: statusHandler(backend) });
  resource(router, PROBE_PATHS.livez, { get: probeHandler(() => backend.livez()) });
  resource(router, PROBE_PATHS.readyz, { get: probeHandler(() => backend.readyz()) });
  // Registered before /groups/:group, which would otherwise take `status` for a group id. Upstream answers the same
  // body here as at /status.
  resource(router, '/groups/status', { get: statusHandler(backend) });
}
