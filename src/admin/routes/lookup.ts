// Not-found answers for paths under a group. The backend answers "undefined" for both an unknown group and an unknown
// pipeline; the caller deserves to know which, because the fix differs (create the group vs. PUT the pipeline).
import type { RequestHandler } from 'express';
import type { AdminBackend } from '../../state/commands.js';
import { ApiError } from '../errors.js';
import { idParam } from '../path-params.js';

export function groupNotFound(group: string): ApiError {
  return new ApiError('GroupNotFound', `pipeline group '${group}' does not exist`, { pipelineGroupId: group });
}

/** When the backend has already told which of the two is missing. */
export function pipelineNotFoundIn(group: string, pipeline: string): ApiError {
  return new ApiError('PipelineNotFound', `pipeline '${group}:${pipeline}' does not exist`, {
    pipelineGroupId: group,
    pipelineId: pipeline,
  });
}

export function pipelineNotFound(backend: AdminBackend, group: string, pipeline: string): ApiError {
  if (!backend.hasGroup(group)) return groupNotFound(group);
  return pipelineNotFoundIn(group, pipeline);
}

/**
 * An operation record of a pipeline was not found: the most specific 404 is the outermost thing missing. Asked only
 * after the record lookup failed, so that the record of a pipeline deleted since (DELETE answers with its Location)
 * stays readable for as long as the backend keeps it.
 */
export function notFoundUnderPipeline(
  backend: AdminBackend,
  group: string,
  pipeline: string,
  missing: ApiError,
): ApiError {
  if (!backend.hasGroup(group)) return groupNotFound(group);
  if (backend.pipeline(group, pipeline) === undefined) return pipelineNotFoundIn(group, pipeline);
  return missing;
}

/**
 * GET of one operation record under a pipeline (a rollout, a shutdown): the record, or the most specific 404. The
 * record is asked for first so that it stays readable after its pipeline is gone (a DELETE's Location).
 */
export function operationRecordHandler(
  backend: AdminBackend,
  kind: { param: 'rolloutId' | 'shutdownId'; noun: string; code: 'RolloutNotFound' | 'ShutdownNotFound' },
  find: (group: string, pipeline: string, id: string) => unknown,
): RequestHandler {
  return (req, res) => {
    const group = idParam(req, 'group');
    const pipeline = idParam(req, 'pipeline');
    const id = idParam(req, kind.param);
    const record = find(group, pipeline, id);
    if (record === undefined) {
      const details = { pipelineGroupId: group, pipelineId: pipeline, [kind.param]: id };
      const missing = new ApiError(kind.code, `pipeline '${group}:${pipeline}' has no ${kind.noun} '${id}'`, details);
      throw notFoundUnderPipeline(backend, group, pipeline, missing);
    }
    res.status(200).json(record);
  };
}
