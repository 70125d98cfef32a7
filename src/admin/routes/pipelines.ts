// /groups/{group}/pipelines/{pipeline}: read, create/replace/resize (PUT), drain and forget (DELETE); and its status.
import type { Router } from 'express';
import { jsonBody } from '../json-body.js';
import { idParam } from '../path-params.js';
import { resource } from '../resource.js';
import { deleteQuerySchema, putPipelineBodySchema, putPipelineQuerySchema, validate } from '../schemas.js';
import type { RouteDeps } from './deps.js';
import { groupNotFound, pipelineNotFound } from './lookup.js';
import { answerOperation, busyError, invalidConfigError, throwSharedOutcome, unexpectedOutcome, waitOptions } from './operations.js';
import { rolloutOperation } from './rollouts.js';
import { registerPipelineProbes } from './pipeline-probes.js';

export function registerPipelineRoutes(router: Router, { backend, bodyLimitBytes }: RouteDeps): void {
  resource(router, '/groups/:group/pipelines/:pipeline', {
    get: (req, res) => {
      const group = idParam(req, 'group');
      const pipeline = idParam(req, 'pipeline');
      const description = backend.pipeline(group, pipeline);
      if (description === undefined) throw pipelineNotFound(backend, group, pipeline);
      res.status(200).json(description);
    },
    put: [
      ...jsonBody(bodyLimitBytes),
      async (req, res) => {
        const group = idParam(req, 'group');
        const pipeline = idParam(req, 'pipeline');
        const query = validate(putPipelineQuerySchema, req.query, 'InvalidQueryParameter', 'query parameters');
        const body = validate(putPipelineBodySchema, req.body, 'InvalidRequestBody', 'request body');
        const wait = waitOptions(query);
        const request = {
          pipeline: body.pipeline,
          stepTimeoutSecs: body.stepTimeoutSecs,
          drainTimeoutSecs: body.drainTimeoutSecs,
          dryRun: query.dry_run,
        };
        const outcome = await backend.putPipeline(group, pipeline, request, wait);
        const subject = `pipeline '${group}:${pipeline}'`;
        switch (outcome.kind) {
          case 'group_not_found':
            throw groupNotFound(group);
          case 'invalid':
            throw invalidConfigError('InvalidPipelineConfig', subject, outcome.errors);
          case 'busy':
            throw busyError(outcome, subject, { pipelineGroupId: group, pipelineId: pipeline });
          case 'dry_run': {
            const { action, plan, diff } = outcome.result;
            res.status(200).json({ action, plan, diff });
            return;
          }
          case 'noop':
            res.status(200).json(outcome.rollout);
            return;
          case 'accepted':
          case 'succeeded':
          case 'failed':
          case 'timeout':
            // A waited create that succeeded answers 200 too, as upstream's does (dfctl reads 200 as done).
            answerOperation(res, outcome.kind, rolloutOperation(group, pipeline, outcome.rollout));
            return;
          default:
            unexpectedOutcome(outcome);
        }
      },
    ],
    // As upstream's: the answer waits for the end of the drain (`timeout_secs` is its window) and of the delete.
    delete: async (req, res) => {
      const group = idParam(req, 'group');
      const pipeline = idParam(req, 'pipeline');
      const query = validate(deleteQuerySchema, req.query, 'InvalidQueryParameter', 'query parameters');
      const outcome = await backend.deletePipeline(group, pipeline, query.timeout_secs);
      throwSharedOutcome(outcome, group, pipeline);
      switch (outcome.kind) {
        case 'succeeded':
        case 'failed':
          res.status(outcome.kind === 'succeeded' ? 200 : 409).json(outcome.delete);
          return;
        default:
          unexpectedOutcome(outcome);
      }
    },
  });

  // As upstream: 200 with the status, or with `null` when there is no such pipeline (dfctl reads null as "not found").
  resource(router, '/groups/:group/pipelines/:pipeline/status', {
    get: (req, res) => {
      const status = backend.pipelineStatus(idParam(req, 'group'), idParam(req, 'pipeline'));
      res.status(200).json(status ?? null);
    },
  });
  registerPipelineProbes(router, backend);
}
