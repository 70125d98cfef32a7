// /groups/{group}/pipelines/{pipeline}/shutdown (drain and stop every instance) and .../shutdowns/{shutdownId}.
import type { Response, Router } from 'express';
import type { ShutdownStatus } from '../../state/operations.js';
import type { ShutdownOutcome, WaitOptions } from '../../state/commands.js';
import { ApiError } from '../errors.js';
import { jsonBody } from '../json-body.js';
import { idParam } from '../path-params.js';
import { resource } from '../resource.js';
import { shutdownBodySchema, validate, waitQuerySchema } from '../schemas.js';
import type { RouteDeps } from './deps.js';
import { operationRecordHandler } from './lookup.js';
import { answerOperation, locations, throwSharedOutcome, unexpectedOutcome, waitOptions, type Operation } from './operations.js';

function shutdownOperation(group: string, pipeline: string, record: ShutdownStatus): Operation<ShutdownStatus> {
  return {
    noun: 'shutdown',
    label: `shutdown ${record.shutdownId} of '${group}:${pipeline}'`,
    location: locations.shutdown(group, pipeline, record.shutdownId),
    failedCode: 'ShutdownFailed',
    record,
  };
}

/** Shared with DELETE of a pipeline, which drains the same way before it forgets the pipeline. */
export function answerShutdown(
  res: Response,
  outcome: ShutdownOutcome,
  group: string,
  pipeline: string,
  wait: WaitOptions | undefined,
): void {
  throwSharedOutcome(outcome, group, pipeline);
  switch (outcome.kind) {
    case 'accepted':
    case 'succeeded':
    case 'failed':
    case 'timeout':
      answerOperation(res, outcome.kind, shutdownOperation(group, pipeline, outcome.shutdown), wait);
      return;
    default:
      unexpectedOutcome(outcome);
  }
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
        const outcome = await backend.shutdownPipeline(group, pipeline, body.drainTimeoutSecs, wait);
        answerShutdown(res, outcome, group, pipeline, wait);
      },
    ],
  });

  resource(router, '/groups/:group/pipelines/:pipeline/shutdowns/:shutdownId', {
    get: operationRecordHandler(backend, { param: 'shutdownId', noun: 'shutdown', code: 'ShutdownNotFound' }, (g, p, id) => backend.shutdown(g, p, id)),
  });
}
