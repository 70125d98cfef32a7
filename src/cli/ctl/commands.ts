// The pipeline commands of ctl. Each sends one request, shows the answer and returns normally only when the operation
// succeeded or was accepted; everything else ends in a CtlExit with its exit code. What it starts and does not wait
// for, it follows with --watch, or names the exact command that follows it.
import { expectStatus } from './answers.js';
import { pipelinePath, type PipelineRef } from './client.js';
import { followHint, show, type CtlContext } from './context.js';
import { CtlExit, EXIT } from './exit-codes.js';
import { followReconcile, followRollout, followShutdown } from './follow-commands.js';
import { parsePipelineRef, readConfigFile, readPipelineFile } from './inputs.js';
import { followArgs, recordKind, RENDER } from './records.js';
import { renderDryRun, renderEngineStatus, renderPipeline, renderReconcile, renderReconcilePlan, renderRollout, renderShutdown } from './render.js';

/** Options shared by the commands that can wait: `--wait` (the engine waits) or `--watch` (ctl follows the record). */
export interface FollowOptions {
  wait?: boolean;
  watch?: boolean;
  timeout?: number;
}

const label = (ref: PipelineRef): string => `${ref.group}/${ref.pipeline}`;
// A waited request must outlast the engine's own timeout_secs, which answers 504 first.
export const waitedMs = (timeoutSecs: number): number => (timeoutSecs + 15) * 1000;
export const DEFAULT_WAIT_SECS = 60;

export function waitQuery(options: FollowOptions): Record<string, string | number | undefined> {
  return options.wait ? { wait: 'true', timeout_secs: options.timeout ?? DEFAULT_WAIT_SECS } : {};
}

export async function status(ctx: CtlContext): Promise<void> {
  const answer = await ctx.client.request('GET', '/api/v1/status');
  expectStatus(ctx, answer, 200);
  show(ctx, answer.body, renderEngineStatus);
}

export async function get(ctx: CtlContext, target: string): Promise<void> {
  const ref = parsePipelineRef(target);
  const answer = await ctx.client.request('GET', pipelinePath(ref));
  expectStatus(ctx, answer, 200);
  if (ctx.json) return show(ctx, answer.body, () => '');
  const live = await ctx.client.request('GET', pipelinePath(ref, '/status'));
  show(ctx, answer.body, (d) => renderPipeline(d, live.status === 200 && live.body !== null ? live.body : undefined));
}

export interface ApplyOptions extends FollowOptions {
  file: string;
  dryRun?: boolean;
  stepTimeout?: number;
  drainTimeout?: number;
}

export async function apply(ctx: CtlContext, target: string, options: ApplyOptions): Promise<void> {
  const ref = parsePipelineRef(target);
  const file = readPipelineFile(options.file);
  const body = {
    pipeline: file.pipeline,
    stepTimeoutSecs: options.stepTimeout ?? file.stepTimeoutSecs,
    drainTimeoutSecs: options.drainTimeout ?? file.drainTimeoutSecs,
  };
  const query = options.dryRun ? { dry_run: 'true' } : waitQuery(options);
  const timeoutMs = options.wait && !options.dryRun ? waitedMs(options.timeout ?? DEFAULT_WAIT_SECS) : undefined;
  const answer = await ctx.client.request('PUT', pipelinePath(ref), { query, body, timeoutMs });
  if (options.dryRun) {
    expectStatus(ctx, answer, 200);
    return show(ctx, answer.body, (d) => renderDryRun(label(ref), d));
  }
  expectStatus(ctx, answer, 200, 201, 202);
  if (answer.status === 202 && options.watch) return followRollout(ctx, ref, answer.body.rolloutId, options);
  show(ctx, answer.body, renderRollout);
  if (answer.status === 202) followHint(ctx, followArgs('rollout', answer.body));
}

export interface ShutdownOptions extends FollowOptions {
  drainTimeout?: number;
}

export async function shutdown(ctx: CtlContext, target: string, options: ShutdownOptions): Promise<void> {
  const ref = parsePipelineRef(target);
  const body = options.drainTimeout === undefined ? undefined : { drainTimeoutSecs: options.drainTimeout };
  const timeoutMs = options.wait ? waitedMs(options.timeout ?? DEFAULT_WAIT_SECS) : undefined;
  const answer = await ctx.client.request('POST', pipelinePath(ref, '/shutdown'), { query: waitQuery(options), body, timeoutMs });
  expectStatus(ctx, answer, 200, 202);
  if (answer.status === 202 && options.watch) return followShutdown(ctx, ref, answer.body.shutdownId, options);
  show(ctx, answer.body, renderShutdown);
  if (answer.status === 202) followHint(ctx, followArgs('shutdown', answer.body));
}

export async function start(ctx: CtlContext, target: string, options: FollowOptions): Promise<void> {
  const ref = parsePipelineRef(target);
  const answer = await ctx.client.request('POST', pipelinePath(ref, '/start'));
  expectStatus(ctx, answer, 202);
  if (options.watch) return followRollout(ctx, ref, answer.body.rolloutId, options);
  show(ctx, answer.body, renderRollout);
  followHint(ctx, followArgs('rollout', answer.body));
}

/**
 * DELETE waits as upstream's does (`timeout_secs`) and answers the delete's record: 200 when it succeeded, 409 when
 * it did not. An engine that answers 202 at once hands over the shutdown it started instead, to follow.
 */
export async function remove(ctx: CtlContext, target: string, options: FollowOptions): Promise<void> {
  const ref = parsePipelineRef(target);
  const timeoutSecs = options.timeout ?? DEFAULT_WAIT_SECS;
  const answer = await ctx.client.request('DELETE', pipelinePath(ref), { query: { timeout_secs: timeoutSecs }, timeoutMs: waitedMs(timeoutSecs) });
  expectStatus(ctx, answer, 200, 202);
  const kind = recordKind(answer.body);
  if (answer.status === 202 && kind === 'shutdown') {
    if (options.watch) return followShutdown(ctx, ref, answer.body.shutdownId, options);
    show(ctx, answer.body, renderShutdown);
    return followHint(ctx, followArgs(kind, answer.body));
  }
  if (kind === undefined) throw new CtlExit(EXIT.unreachable, `unexpected answer ${answer.status}: ${JSON.stringify(answer.body)?.slice(0, 200)}`);
  show(ctx, answer.body, RENDER[kind]);
}

export interface ReconcileOptions extends FollowOptions {
  file?: string;
  dryRun?: boolean;
  deleteMissing?: boolean;
}

export async function reconcile(ctx: CtlContext, options: ReconcileOptions): Promise<void> {
  // Checked here rather than by the parser, which would then ask it of `reconcile status` too.
  if (options.file === undefined) throw new CtlExit(EXIT.usage, 'reconcile needs -f FILE (a whole config document)');
  const body = { config: readConfigFile(options.file), deleteMissing: options.deleteMissing ?? false };
  // The engine waits unless told not to, as upstream's; without --wait ctl asks for the record at once.
  const query = options.dryRun ? { dry_run: 'true' } : options.wait ? waitQuery(options) : { wait: 'false' };
  const timeoutMs = options.wait && !options.dryRun ? waitedMs(options.timeout ?? DEFAULT_WAIT_SECS) : undefined;
  const answer = await ctx.client.request('POST', '/api/v1/config/reconcile', { query, body, timeoutMs });
  if (options.dryRun) {
    expectStatus(ctx, answer, 200);
    return show(ctx, answer.body, renderReconcilePlan);
  }
  expectStatus(ctx, answer, 200, 202);
  if (answer.status === 202 && options.watch) return followReconcile(ctx, answer.body.reconcileId, options);
  show(ctx, answer.body, renderReconcile);
  if (answer.status === 202) followHint(ctx, followArgs('reconcile', answer.body));
}
