// /groups/{group}/pipelines/{pipeline}/start: start a stopped pipeline from its committed config, as a rollout.
import type { Router } from 'express';
import { ApiError } from '../errors.js';
import { idParam } from '../path-params.js';
import { resource } from '../resource.js';
import type { RouteDeps } from './deps.js';
import { throwSharedOutcome, sendAccepted, unexpectedOutcome } from './operations.js';
import { rolloutOperation } from './rollouts.js';

export function registerStartRoutes(router: Router, { backend }: RouteDeps): void {
  resource(router, '/groups/:group/pipelines/:pipeline/start', {
    // No body and no wait: starting is a rollout, followed at its Location like any other.
    post: async (req, res) => {
      const group = idParam(req, 'group');
      const pipeline = idParam(req, 'pipeline');
      const outcome = await backend.startPipeline(group, pipeline);
      throwSharedOutcome(outcome, group, pipeline);
      switch (outcome.kind) {
        case 'already_running':
          throw new ApiError('PipelineRunning', `pipeline '${group}:${pipeline}' is running already`, {
            pipelineGroupId: group,
            pipelineId: pipeline,
          });
        case 'accepted':
          sendAccepted(res, rolloutOperation(group, pipeline, outcome.rollout));
          return;
        default:
          unexpectedOutcome(outcome);
      }
    },
  });
}
