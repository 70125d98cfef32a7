// Not-found answers for paths under a group. The backend answers "undefined" for both an unknown group and an unknown
// pipeline; the caller deserves to know which, because the fix differs (create the group vs. PUT the pipeline).
import type { AdminBackend } from '../backend.js';
import { ApiError } from '../errors.js';

export function groupNotFound(group: string): ApiError {
  return new ApiError('GroupNotFound', `pipeline group '${group}' does not exist`, { pipelineGroupId: group });
}

export function pipelineNotFound(backend: AdminBackend, group: string, pipeline: string): ApiError {
  if (!backend.hasGroup(group)) return groupNotFound(group);
  return new ApiError('PipelineNotFound', `pipeline '${group}:${pipeline}' does not exist`, {
    pipelineGroupId: group,
    pipelineId: pipeline,
  });
}
