// /groups/shutdown (drain every pipeline, then the engine exits) and /groups/{group}: read a group's committed config,
// create an empty group (POST), delete the group and every pipeline of it (DELETE), each as upstream's.
import type { Router } from 'express';
import type { GroupSpec } from '../../config/types.js';
import { ApiError } from '../errors.js';
import { jsonBody } from '../json-body.js';
import { idParam } from '../path-params.js';
import { resource } from '../resource.js';
import { deleteQuerySchema, groupBodySchema, validate, waitQuerySchema } from '../schemas.js';
import type { RouteDeps } from './deps.js';
import { groupNotFound } from './lookup.js';
import { busyError, invalidConfigError, unexpectedOutcome, waitOptions } from './operations.js';

/** Upstream's status codes of `POST /groups/shutdown`, by the `status` of its body. */
const ENGINE_SHUTDOWN_STATUS = { accepted: 202, completed: 200, failed: 500, timeout: 504 } as const;

export function registerGroupRoutes(router: Router, { backend, bodyLimitBytes }: RouteDeps): void {
  // Before /groups/:group, which would take `shutdown` for a group id.
  resource(router, '/groups/shutdown', {
    post: async (req, res) => {
      const wait = waitOptions(validate(waitQuerySchema, req.query, 'InvalidQueryParameter', 'query parameters'));
      const answer = await backend.shutdownEngine(wait);
      res.status(ENGINE_SHUTDOWN_STATUS[answer.status]).json(answer);
    },
  });

  resource(router, '/groups/:group', {
    get: (req, res) => {
      const group = idParam(req, 'group');
      const description = backend.group(group);
      if (description === undefined) throw groupNotFound(group);
      res.status(200).json(description);
    },
    post: [
      ...jsonBody(bodyLimitBytes),
      async (req, res) => {
        const group = idParam(req, 'group');
        const body = validate(groupBodySchema, req.body, 'InvalidRequestBody', 'request body');
        const outcome = await backend.createGroup(group, { pipelines: {}, ...body } as GroupSpec);
        switch (outcome.kind) {
          case 'created':
            res.status(201).json(outcome.group);
            return;
          case 'exists':
            throw new ApiError('GroupExists', `pipeline group '${group}' exists already`, { pipelineGroupId: group });
          case 'invalid':
            throw invalidConfigError('InvalidGroupConfig', `group '${group}'`, outcome.errors);
          case 'busy':
            throw busyError(outcome, `group '${group}'`, { pipelineGroupId: group });
          default:
            unexpectedOutcome(outcome);
        }
      },
    ],
    // As upstream's: the answer waits until every pipeline of the group is deleted (or one failed), then the group.
    delete: async (req, res) => {
      const group = idParam(req, 'group');
      const query = validate(deleteQuerySchema, req.query, 'InvalidQueryParameter', 'query parameters');
      const outcome = await backend.deleteGroup(group, query.timeout_secs);
      switch (outcome.kind) {
        case 'group_not_found':
          throw groupNotFound(group);
        case 'busy':
          throw busyError(outcome, `a pipeline of group '${group}'`, { pipelineGroupId: group });
        case 'succeeded':
        case 'failed':
          res.status(outcome.kind === 'succeeded' ? 200 : 409).json(outcome.delete);
          return;
        default:
          unexpectedOutcome(outcome);
      }
    },
  });
}
