// Not-found answers for paths under a group. The backend answers "undefined" for both an unknown group and an unknown
// pipeline; the caller deserves to know which, because the fix differs (create the group vs. PUT the pipeline).
import type { AdminBackend } from '../backend.js';
import { ApiError } from '../errors.js';

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
