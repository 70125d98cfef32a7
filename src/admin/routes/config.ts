// The committed config as it runs now (secrets redacted), and as the operator wrote it (`${env:…}` references kept, for
// `ctl config export`). Reconciling a new one is routes/reconcile.ts.
import type { Router } from 'express';
import { resource } from '../resource.js';
import type { RouteDeps } from './deps.js';

export function registerConfigRoutes(router: Router, { backend }: RouteDeps): void {
  resource(router, '/config', {
    get: (_req, res) => {
      res.status(200).json(backend.committedConfig());
    },
  });
  // Ours (upstream has no such route): a document `--config` accepts, secrets as the references they were given as.
  resource(router, '/config/export', {
    get: (_req, res) => {
      res.status(200).json(backend.exportedConfig());
    },
  });
}
