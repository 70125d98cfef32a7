// Engine-wide status and probes.
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

// A probe answers 503 when failed so that load balancers and systemd-style checks need only the status code.
function probeHandler(probe: () => ProbeResult): RequestHandler {
  return (_req, res) => {
    const result = probe();
    res.status(result.status === 'ok' ? 200 : 503).json(result);
  };
}

/** The probe paths under /api/v1: the only ones open without the admin token (admin/auth.ts). */
export const PROBE_PATHS = { livez: '/livez', readyz: '/readyz' } as const;

export function registerStatusRoutes(router: Router, { backend }: RouteDeps): void {
  resource(router, '/status', { get: statusHandler(backend) });
  resource(router, PROBE_PATHS.livez, { get: probeHandler(() => backend.livez()) });
  resource(router, PROBE_PATHS.readyz, { get: probeHandler(() => backend.readyz()) });
}
