// What an answer of the admin API that is not the expected one means for the exit code, and how it is shown.
import type { Answer } from './client.js';
import { followHint, show, type CtlContext } from './context.js';
import { CtlExit, EXIT, type ExitCode } from './exit-codes.js';
import { describeRecord, followArgs, recordKind, RENDER, type RecordKind } from './records.js';

/** Codes of an error envelope answered when a waited operation ran and ended badly (engines before upstream's shapes). */
const OPERATION_FAILED: Record<string, RecordKind> = {
  RolloutFailed: 'rollout',
  ShutdownFailed: 'shutdown',
  ReconcileFailed: 'reconcile',
};

function exitCodeOf(answer: Answer): ExitCode {
  const code = answer.body?.error_code;
  if (code in OPERATION_FAILED) return EXIT.operationFailed;
  if (answer.status === 504) return EXIT.timeout;
  if (answer.status >= 500) return EXIT.unreachable;
  return EXIT.refused;
}

/**
 * An operation record as the answer of a waited request that did not succeed (as upstream answers: 409 with the
 * record when it failed, 504 when the wait ran out): the record is shown and the exit code says which.
 */
function failWithRecord(ctx: CtlContext, answer: Answer, kind: RecordKind): never {
  const record = answer.body;
  show(ctx, record, RENDER[kind]);
  const what = describeRecord(kind, record);
  if (answer.status === 504) {
    const follow = followArgs(kind, record);
    if (follow) followHint(ctx, follow);
    throw new CtlExit(EXIT.timeout, `${what}: still ${record.state ?? record.status} when the wait ran out; it goes on`);
  }
  const reason = record.failureReason ?? (Array.isArray(record.errors) ? record.errors.join('; ') : undefined);
  throw new CtlExit(EXIT.operationFailed, `${what} ended ${record.state ?? record.status}${reason ? `: ${reason}` : ''}`);
}

/** Shows an answer that is not the expected one (a record that ended badly, or an error) and ends with its code. */
export function fail(ctx: CtlContext, answer: Answer): never {
  const body = answer.body;
  const kind = recordKind(body);
  if (kind !== undefined && answer.status >= 400) failWithRecord(ctx, answer, kind);
  if (typeof body?.error_code !== 'string') {
    throw new CtlExit(EXIT.unreachable, `unexpected answer ${answer.status}: ${JSON.stringify(body)?.slice(0, 200)}`);
  }
  if (ctx.json) {
    show(ctx, body, () => '');
  } else {
    const failedKind = OPERATION_FAILED[body.error_code];
    const record = failedKind ? body.details?.[failedKind] : undefined;
    if (failedKind && record) ctx.io.stdout(`${RENDER[failedKind](record)}\n`);
    const timedOut = body.details?.rollout ?? body.details?.shutdown ?? body.details?.reconcile;
    const timedOutKind = recordKind(timedOut);
    if (answer.status === 504 && timedOutKind) {
      ctx.io.stdout(`${RENDER[timedOutKind](timedOut)}\n`);
      const follow = followArgs(timedOutKind, timedOut);
      if (follow) followHint(ctx, follow);
    }
  }
  const lines = [`error: ${body.message} (${body.error_code}, HTTP ${answer.status})`];
  for (const e of body.details?.errors ?? []) lines.push(`  ${e.path}: ${e.message}${e.code ? ` [${e.code}]` : ''}`);
  if (body.details?.operation) lines.push(`  in the way: ${body.details.operation.type} ${body.details.operation.id}`);
  throw new CtlExit(exitCodeOf(answer), lines.join('\n'));
}

/** Answers other than `expected` are failures. */
export function expectStatus(ctx: CtlContext, answer: Answer, ...expected: number[]): void {
  if (!expected.includes(answer.status)) fail(ctx, answer);
}
