// What the routes of long-running operations (rollouts, shutdowns, reconciles) share: the `?wait=&timeout_secs=` query
// as WaitOptions, where each operation is followed (Location), and the answers to the outcome kinds they have in
// common. Each route still switches over its own union, so the compiler checks that every kind has an answer.
// A waited operation that failed or ran out of time answers with its record as the body (409, 504), as upstream's.
import type { Response } from 'express';
import type { ConfigError } from '../../config/errors.js';
import type { Busy, WaitOptions } from '../../state/commands.js';
import { ApiError, type ErrorCode } from '../errors.js';
import { groupNotFound, pipelineNotFoundIn } from './lookup.js';
import type { WaitQuery } from '../schemas.js';

export function waitOptions(query: WaitQuery): WaitOptions {
  return { wait: query.wait, timeoutSecs: query.timeout_secs };
}

const API = '/api/v1';
// Operation ids come from the engine, not from a validated path: encoded so a Location header is always well formed.
const seg = encodeURIComponent;

export const locations = {
  pipeline: (group: string, pipeline: string): string => `${API}/groups/${seg(group)}/pipelines/${seg(pipeline)}`,
  rollout: (group: string, pipeline: string, id: string): string =>
    `${locations.pipeline(group, pipeline)}/rollouts/${seg(id)}`,
  shutdown: (group: string, pipeline: string, id: string): string =>
    `${locations.pipeline(group, pipeline)}/shutdowns/${seg(id)}`,
  reconcile: (id: string): string => `${API}/config/reconciles/${seg(id)}`,
};

/** The kinds that every waitable operation ends in. */
export type WaitedKind = 'accepted' | 'succeeded' | 'failed' | 'timeout';

/** What rollout, shutdown and reconcile records have in common. */
export interface OperationRecord {
  state: string;
  failureReason?: string;
}

/** One operation record as an answer needs it. */
export interface Operation<S extends OperationRecord> {
  /** Where the record is followed: the Location of a 202 and of a 504. */
  location: string;
  record: S;
}

/** 202: the operation runs on; Location is where to follow it. */
export function sendAccepted<S extends OperationRecord>(res: Response, op: Operation<S>): void {
  res.status(202).set('Location', op.location).json(op.record);
}

/**
 * Upstream's answers, the record itself being the body of each: accepted 202, succeeded 200, failed 409, and timeout
 * 504 (the operation goes on). Ours beside them: Location on the 202 and the 504, where the operation is followed.
 */
export function answerOperation<S extends OperationRecord>(res: Response, kind: WaitedKind, op: Operation<S>): void {
  switch (kind) {
    case 'accepted':
      sendAccepted(res, op);
      return;
    case 'succeeded':
      res.status(200).json(op.record);
      return;
    case 'failed':
      res.status(409).json(op.record);
      return;
    case 'timeout':
      res.status(504).set('Location', op.location).json(op.record);
      return;
    default:
      unexpectedOutcome(kind);
  }
}

/** 409 PipelineBusy naming the operation in the way; `subject` says what was busy (a pipeline, a group, the engine). */
export function busyError(busy: Busy, subject: string, details: Record<string, unknown> = {}): ApiError {
  const { type, id } = busy.operation;
  return new ApiError('PipelineBusy', `${subject} is busy with ${type} ${id}; retry when it has finished`, {
    ...details,
    operation: { type, id },
  });
}

type SharedOutcome = { kind: 'group_not_found' } | { kind: 'pipeline_not_found' } | Busy;

/**
 * The answers every operation on an existing pipeline shares: its group or the pipeline is unknown, or another
 * operation holds it. Throws the matching error; any other outcome is left to the route.
 */
export function throwSharedOutcome<O extends { kind: string }>(
  outcome: O,
  group: string,
  pipeline: string,
): asserts outcome is Exclude<O, SharedOutcome> {
  const shared = outcome as unknown as SharedOutcome;
  switch (shared.kind) {
    case 'group_not_found':
      throw groupNotFound(group);
    case 'pipeline_not_found':
      throw pipelineNotFoundIn(group, pipeline);
    case 'busy':
      throw busyError(shared, `pipeline '${group}:${pipeline}'`, { pipelineGroupId: group, pipelineId: pipeline });
  }
}

/** 422 listing every ConfigError with its path and stable code. */
export function invalidConfigError(
  code: Extract<ErrorCode, 'InvalidPipelineConfig' | 'InvalidConfig' | 'InvalidGroupConfig'>,
  what: string,
  errors: readonly ConfigError[],
): ApiError {
  const n = errors.length;
  return new ApiError(code, `${what} is invalid (${n} problem${n === 1 ? '' : 's'})`, {
    errors: errors.map(({ path, message, code: errorCode }) => ({ path, message, code: errorCode })),
  });
}

/** The default branch of an exhaustive switch: a kind the backend should never hand out is a bug (500, logged). */
export function unexpectedOutcome(outcome: never): never {
  throw new Error(`unexpected backend outcome ${JSON.stringify(outcome)}`);
}
