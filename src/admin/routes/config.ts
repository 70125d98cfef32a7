// The committed config as it runs now (secrets redacted). Reconciling a new one is routes/reconcile.ts.
import type { Router } from 'express';
import { resource } from '../resource.js';
import type { RouteDeps } from './deps.js';

export function registerConfigRoutes(router: Router, { backend }: RouteDeps): void {
  resource(router, '/config', {
    get: (_req, res) => {
      res.status(200).json(backend.committedConfig());
    },
  });
}
