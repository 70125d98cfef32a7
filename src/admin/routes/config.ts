// The committed config as it runs now. POST /config/reconcile lands here in a later issue.
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
