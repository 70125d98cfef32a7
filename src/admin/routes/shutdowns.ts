// /groups/{group}/pipelines/{pipeline}/shutdown (drain and stop every instance) and .../shutdowns/{shutdownId}.
import type { Request, Router } from 'express';
import type { ShutdownInitiator } from '../../state/operations.js';
import { ApiError } from '../errors.js';
import { jsonBody } from '../json-body.js';
import { idParam } from '../path-params.js';
import { resource } from '../resource.js';
import { shutdownBodySchema, validate, waitQuerySchema } from '../schemas.js';
import type { RouteDeps } from './deps.js';
import { operationRecordHandler } from './lookup.js';
import { answerOperation, locations, throwSharedOutcome, unexpectedOutcome, waitOptions } from './operations.js';

/**
 * Who asked, as upstream tells it: `dfctl` for a `User-Agent: dfctl/<version>`, `admin_api` for anything else (ctl and
 * curl included). Best effort, not an identity: any client may send any User-Agent.
 */
export function shutdownInitiator(req: Request): ShutdownInitiator {
  return req.get('user-agent')?.startsWith('dfctl/') ? 'dfctl' : 'admin_api';
}

export function registerShutdownRoutes(router: Router, { backend, bodyLimitBytes }: RouteDeps): void {
  resource(router, '/groups/:group/pipelines/:pipeline/shutdown', {
    post: [
      ...jsonBody(bodyLimitBytes),
      async (req, res) => {
        const group = idParam(req, 'group');
        const pipeline = idParam(req, 'pipeline');
        const wait = waitOptions(validate(waitQuerySchema, req.query, 'InvalidQueryParameter', 'query parameters'));
        const body = validate(shutdownBodySchema, req.body, 'InvalidRequestBody', 'request body');
        // As upstream, timeout_secs is the drain window too; our body may set the drain window apart.
        const drainTimeoutSecs = body.drainTimeoutSecs ?? wait.timeoutSecs;
        const outcome = await backend.shutdownPipeline(group, pipeline, drainTimeoutSecs, wait, shutdownInitiator(req));
        throwSharedOutcome(outcome, group, pipeline);
        switch (outcome.kind) {
          case 'already_stopped':
            throw new ApiError('PipelineStopped', `pipeline '${group}:${pipeline}' is already stopped`, {
              pipelineGroupId: group,
              pipelineId: pipeline,
            });
          case 'accepted':
          case 'succeeded':
          case 'failed':
          case 'timeout': {
            const { shutdown } = outcome;
            answerOperation(res, outcome.kind, { location: locations.shutdown(group, pipeline, shutdown.shutdownId), record: shutdown });
            return;
          }
          default:
            unexpectedOutcome(outcome);
        }
      },
    ],
  });

  resource(router, '/groups/:group/pipelines/:pipeline/shutdowns/:shutdownId', {
    get: operationRecordHandler(backend, { param: 'shutdownId', noun: 'shutdown', code: 'ShutdownNotFound' }, (g, p, id) => backend.shutdown(g, p, id)),
  });
}
