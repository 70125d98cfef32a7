// /groups/{group}. POST (create an empty group) and DELETE (drain and delete) land here in a later issue.
import type { Router } from 'express';
import { idParam } from '../path-params.js';
import { resource } from '../resource.js';
import type { RouteDeps } from './deps.js';
import { groupNotFound } from './lookup.js';

export function registerGroupRoutes(router: Router, { backend }: RouteDeps): void {
  resource(router, '/groups/:group', {
    get: (req, res) => {
      const group = idParam(req, 'group');
      const description = backend.group(group);
      if (description === undefined) throw groupNotFound(group);
      res.status(200).json(description);
    },
  });
}
