// What an error answer of the admin API means for the exit code, and how it is shown.
import type { Answer } from './client.js';
import { show, type CtlContext } from './context.js';
import { CtlExit, EXIT, type ExitCode } from './exit-codes.js';
import { renderDelete, renderReconcile, renderRollout, renderShutdown } from './render.js';

/** Codes answered when a waited operation ran and ended badly: the operation failed, the request was fine. */
const OPERATION_FAILED: Record<string, { key: string; render: (record: any) => string }> = {
  RolloutFailed: { key: 'rollout', render: renderRollout },
  ShutdownFailed: { key: 'shutdown', render: renderShutdown },
  ReconcileFailed: { key: 'reconcile', render: renderReconcile },
};

function exitCodeOf(answer: Answer): ExitCode {
  const code = answer.body?.error_code;
  if (code in OPERATION_FAILED) return EXIT.operationFailed;
  if (answer.status === 504) return EXIT.timeout;
  if (answer.status >= 500) return EXIT.unreachable;
  return EXIT.refused;
}

/** The records the engine answers a waited operation with, as upstream's: which one a body is, and how to show it. */
function recordOf(body: any): { what: string; render: (record: any) => string } | undefined {
  if (typeof body !== 'object' || body === null || typeof body.state !== 'string') return undefined;
  if (typeof body.rolloutId === 'string') return { what: `rollout ${body.rolloutId}`, render: renderRollout };
  if (typeof body.shutdownId === 'string') return { what: `shutdown ${body.shutdownId}`, render: renderShutdown };
  if (typeof body.reconcileId === 'string') return { what: `reconcile ${body.reconcileId}`, render: renderReconcile };
  if (typeof body.pipelineGroupId === 'string') {
    const target = body.pipelineId === undefined ? `group ${body.pipelineGroupId}` : `${body.pipelineGroupId}/${body.pipelineId}`;
    return { what: `delete of ${target}`, render: renderDelete };
  }
  return undefined;
}

/**
 * A waited operation that failed (409) or ran out of time (504) answers with its record, as upstream's: it is shown,
 * and the exit code says which.
 */
function failWithRecord(ctx: CtlContext, answer: Answer, record: { what: string; render: (record: any) => string }): never {
  const body = answer.body;
  show(ctx, body, record.render);
  if (answer.status === 504) {
    const follow = answer.location ? `; follow it at ${answer.location}` : '';
    throw new CtlExit(EXIT.timeout, `${record.what} is still ${body.state}: the wait ran out, it goes on${follow}`);
  }
  throw new CtlExit(EXIT.operationFailed, `${record.what} ended ${body.state}${body.failureReason ? `: ${body.failureReason}` : ''}`);
}

/** Shows an error answer (the record of a failed operation, each config error with its path) and ends with its code. */
export function fail(ctx: CtlContext, answer: Answer): never {
  const body = answer.body;
  if (typeof body?.error_code !== 'string') {
    const record = answer.status === 409 || answer.status === 504 ? recordOf(body) : undefined;
    if (record) failWithRecord(ctx, answer, record);
    throw new CtlExit(EXIT.unreachable, `unexpected answer ${answer.status}: ${JSON.stringify(body)?.slice(0, 200)}`);
  }
  if (ctx.json) {
    show(ctx, body, () => '');
  } else {
    const failedOp = OPERATION_FAILED[body.error_code];
    const record = failedOp ? body.details?.[failedOp.key] : undefined;
    if (failedOp && record) ctx.io.stdout(`${failedOp.render(record)}\n`);
    const timedOut = body.details?.rollout ?? body.details?.shutdown ?? body.details?.reconcile;
    if (answer.status === 504 && timedOut) ctx.io.stdout(`${(timedOut.rolloutId ? renderRollout : timedOut.shutdownId ? renderShutdown : renderReconcile)(timedOut)}\n`);
  }
  const lines = [`error: ${body.message} (${body.error_code}, HTTP ${answer.status})`];
  for (const e of body.details?.errors ?? []) lines.push(`  ${e.path}: ${e.message}${e.code ? ` [${e.code}]` : ''}`);
  if (body.details?.operation) lines.push(`  in the way: ${body.details.operation.type} ${body.details.operation.id}`);
  if (answer.status === 504 && answer.location) lines.push(`  it goes on; follow it at ${answer.location}`);
  throw new CtlExit(exitCodeOf(answer), lines.join('\n'));
}

/** Answers other than `expected` are failures. */
export function expectStatus(ctx: CtlContext, answer: Answer, ...expected: number[]): void {
  if (!expected.includes(answer.status)) fail(ctx, answer);
}
