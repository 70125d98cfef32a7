// /groups/{group}/pipelines/{pipeline} and its status. Rollouts, shutdowns, start and DELETE land here later.
import type { Router } from 'express';
import { ApiError } from '../errors.js';
import { jsonBody } from '../json-body.js';
import { idParam } from '../path-params.js';
import { resource } from '../resource.js';
import { putPipelineBodySchema, putPipelineQuerySchema, validate } from '../schemas.js';
import type { RouteDeps } from './deps.js';
import { pipelineNotFound } from './lookup.js';

export function registerPipelineRoutes(router: Router, { backend, bodyLimitBytes }: RouteDeps): void {
  resource(router, '/groups/:group/pipelines/:pipeline', {
    get: (req, res) => {
      const group = idParam(req, 'group');
      const pipeline = idParam(req, 'pipeline');
      const description = backend.pipeline(group, pipeline);
      if (description === undefined) throw pipelineNotFound(backend, group, pipeline);
      res.status(200).json(description);
    },
    // The request is fully validated already, so callers see the real 400/413/415 answers today; only the rollout
    // itself is missing until the runtime manager exposes it through AdminBackend.
    put: [
      ...jsonBody(bodyLimitBytes),
      (req, _res) => {
        validate(putPipelineQuerySchema, req.query, 'InvalidQueryParameter', 'query parameters');
        validate(putPipelineBodySchema, req.body, 'InvalidRequestBody', 'request body');
        throw new ApiError('NotImplemented', 'creating and replacing pipelines is not implemented yet', {});
      },
    ],
  });

  resource(router, '/groups/:group/pipelines/:pipeline/status', {
    get: (req, res) => {
      const group = idParam(req, 'group');
      const pipeline = idParam(req, 'pipeline');
      const status = backend.pipelineStatus(group, pipeline);
      if (status === undefined) throw pipelineNotFound(backend, group, pipeline);
      res.status(200).json(status);
    },
  });
}
