// /groups/{group}: read, create an empty group (POST), drain every pipeline and delete the group (DELETE).
import type { Router } from 'express';
import { ApiError } from '../errors.js';
import { idParam } from '../path-params.js';
import { resource } from '../resource.js';
import type { RouteDeps } from './deps.js';
import { groupNotFound } from './lookup.js';
import { busyError, unexpectedOutcome } from './operations.js';

export function registerGroupRoutes(router: Router, { backend }: RouteDeps): void {
  resource(router, '/groups/:group', {
    get: (req, res) => {
      const group = idParam(req, 'group');
      const description = backend.group(group);
      if (description === undefined) throw groupNotFound(group);
      res.status(200).json(description);
    },
    post: (req, res) => {
      const group = idParam(req, 'group');
      const outcome = backend.createGroup(group);
      switch (outcome.kind) {
        case 'created':
          res.status(201).json(outcome.group);
          return;
        case 'exists':
          throw new ApiError('GroupExists', `pipeline group '${group}' exists already`, { pipelineGroupId: group });
        default:
          unexpectedOutcome(outcome);
      }
    },
    delete: async (req, res) => {
      const group = idParam(req, 'group');
      const outcome = await backend.deleteGroup(group);
      switch (outcome.kind) {
        case 'group_not_found':
          throw groupNotFound(group);
        case 'busy':
          throw busyError(outcome, `a pipeline of group '${group}'`, { pipelineGroupId: group });
        case 'accepted':
          // No Location: there is one shutdown per pipeline, each followed at its own shutdowns/{id}.
          res.status(202).json({ pipelineGroupId: group, shutdowns: outcome.shutdowns });
          return;
        default:
          unexpectedOutcome(outcome);
      }
    },
  });
}
