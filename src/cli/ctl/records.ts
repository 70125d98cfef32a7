// The operation records the admin API answers with, told apart by their fields (an answer carries no type tag): how
// each is shown, when it is over, whether it went well, and which ctl command follows it.
import { renderDeleteStatus, renderGroupDelete, renderGroupShutdown } from './render-groups.js';
import { renderReconcile, renderRollout, renderShutdown } from './render.js';

export type RecordKind = 'rollout' | 'shutdown' | 'reconcile' | 'pipeline_delete' | 'group_delete' | 'group_shutdown';

// ctl imports nothing of the engine at run time, so these are written out; a test holds them to the engine's tables.
export const ROLLOUT_FINAL: ReadonlySet<string> = new Set(['succeeded', 'failed', 'rollback_failed']);
export const SHUTDOWN_FINAL: ReadonlySet<string> = new Set(['succeeded', 'failed']);
export const RECONCILE_FINAL: ReadonlySet<string> = new Set(['succeeded', 'failed', 'rejected']);

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function recordKind(body: unknown): RecordKind | undefined {
  if (!isObject(body) || typeof body.error_code === 'string') return undefined;
  if (typeof body.rolloutId === 'string' && typeof body.state === 'string') return 'rollout';
  if (typeof body.shutdownId === 'string' && typeof body.state === 'string') return 'shutdown';
  if (typeof body.reconcileId === 'string' && typeof body.state === 'string') return 'reconcile';
  if (typeof body.pipelineGroupId === 'string' && typeof body.state === 'string') {
    return typeof body.pipelineId === 'string' ? 'pipeline_delete' : 'group_delete';
  }
  if (['accepted', 'completed', 'failed', 'timeout'].includes(body.status) && Object.keys(body).every((k) => ['status', 'errors', 'durationMs'].includes(k))) {
    return 'group_shutdown';
  }
  return undefined;
}

export const RENDER: Record<RecordKind, (record: any) => string> = {
  rollout: renderRollout,
  shutdown: renderShutdown,
  reconcile: renderReconcile,
  pipeline_delete: renderDeleteStatus,
  group_delete: renderGroupDelete,
  group_shutdown: renderGroupShutdown,
};

/** What a record is called in messages: `rollout rollout-3`, `delete of tenants/acme`. */
export function describeRecord(kind: RecordKind, r: any): string {
  switch (kind) {
    case 'rollout':
      return `rollout ${r.rolloutId}`;
    case 'shutdown':
      return `shutdown ${r.shutdownId}`;
    case 'reconcile':
      return `reconcile ${r.reconcileId}`;
    case 'pipeline_delete':
      return `delete of ${r.pipelineGroupId}/${r.pipelineId}`;
    case 'group_delete':
      return `delete of group ${r.pipelineGroupId}`;
    case 'group_shutdown':
      return 'shutdown of every pipeline';
  }
}

/** The ctl command (without --watch) that follows the record to its end; undefined when it is over. */
export function followArgs(kind: RecordKind, r: any): string[] | undefined {
  if (isFinal(kind, r)) return undefined;
  switch (kind) {
    case 'rollout':
      return ['rollout', 'status', r.rolloutId, `${r.pipelineGroupId}/${r.pipelineId}`];
    case 'shutdown':
      return ['shutdown', 'status', r.shutdownId, `${r.pipelineGroupId}/${r.pipelineId}`];
    case 'reconcile':
      return ['reconcile', 'status', r.reconcileId];
    case 'group_shutdown':
      // The engine exits once everything has drained (as upstream's): nothing is left to follow.
    case 'pipeline_delete':
    case 'group_delete':
      // Deletes are waited for by the engine: once answered, there is nothing left to follow.
      return undefined;
  }
}

/** Whether the record is over: a record answered at once may be (a noop reconcile), and then there is nothing to follow. */
export function isFinal(kind: RecordKind, r: any): boolean {
  switch (kind) {
    case 'rollout':
      return ROLLOUT_FINAL.has(r.state);
    case 'shutdown':
      return SHUTDOWN_FINAL.has(r.state);
    case 'reconcile':
      return RECONCILE_FINAL.has(r.state);
    case 'group_shutdown':
      return r.status !== 'accepted';
    case 'pipeline_delete':
    case 'group_delete':
      return true;
  }
}

/** The outcome a final record stands for: failed unless it succeeded (a group shutdown: completed). */
export function succeeded(kind: RecordKind, r: any): boolean {
  return kind === 'group_shutdown' ? r.status === 'completed' : r.state === 'succeeded';
}
