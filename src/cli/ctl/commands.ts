// The ctl commands. Each sends one request (a watch then polls the record it started), shows the answer and returns
// normally only when the operation succeeded or was accepted; everything else ends in a CtlExit with its exit code.
import { expectStatus } from './answers.js';
import { pipelinePath, type PipelineRef } from './client.js';
import { show, type CtlContext } from './context.js';
import { CtlExit, EXIT } from './exit-codes.js';
import { looksLikePipelineRef, parsePipelineRef, readConfigFile, readPipelineFile } from './inputs.js';
import { renderDelete, renderDryRun, renderEngineStatus, renderPipeline, renderReconcile, renderReconcilePlan, renderRollout, renderShutdown } from './render.js';
import { RECONCILE_FINAL, requireSucceeded, ROLLOUT_FINAL, SHUTDOWN_FINAL, watch } from './watch.js';

/** Options shared by the commands that can wait: `--wait` (the engine waits) or `--watch` (ctl follows the record). */
export interface FollowOptions {
  wait?: boolean;
  watch?: boolean;
  timeout?: number;
}

const label = (ref: PipelineRef): string => `${ref.group}/${ref.pipeline}`;
// A waited request must outlast the engine's own timeout_secs, which answers 504 first.
const waitedMs = (timeoutSecs: number): number => (timeoutSecs + 15) * 1000;
const DEFAULT_WAIT_SECS = 60;

function waitQuery(options: FollowOptions): Record<string, string | number | undefined> {
  return options.wait ? { wait: 'true', timeout_secs: options.timeout ?? DEFAULT_WAIT_SECS } : {};
}

function hint(ctx: CtlContext, text: string): void {
  if (!ctx.json) ctx.io.stderr(`${text}\n`);
}

async function followRollout(ctx: CtlContext, ref: PipelineRef, rollout: any, options: FollowOptions): Promise<void> {
  const path = pipelinePath(ref, `/rollouts/${encodeURIComponent(rollout.rolloutId)}`);
  const final = await watch(ctx, { path, render: renderRollout, isFinal: (r) => ROLLOUT_FINAL.has(r.state), timeoutSecs: options.timeout });
  requireSucceeded(final, `rollout ${final.rolloutId}`);
}

async function followShutdown(ctx: CtlContext, ref: PipelineRef, shutdown: any, options: FollowOptions): Promise<void> {
  const path = pipelinePath(ref, `/shutdowns/${encodeURIComponent(shutdown.shutdownId)}`);
  const final = await watch(ctx, { path, render: renderShutdown, isFinal: (s) => SHUTDOWN_FINAL.has(s.state), timeoutSecs: options.timeout });
  requireSucceeded(final, `shutdown ${final.shutdownId}`);
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
  show(ctx, answer.body, (d) => renderPipeline(d, live.status === 200 ? live.body : undefined));
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
  if (answer.status === 202 && options.watch) return followRollout(ctx, ref, answer.body, options);
  show(ctx, answer.body, renderRollout);
  if (answer.status === 202) hint(ctx, `follow it: otap-engine ctl rollout status ${answer.body.rolloutId} ${label(ref)} --watch`);
}

export interface RolloutStatusOptions {
  watch?: boolean;
  timeout?: number;
}

/** `rollout status ID [GROUP/PIPELINE]`; without the pipeline, the one whose latest rollout is ID. */
async function locateRollout(ctx: CtlContext, args: string[]): Promise<{ id: string; ref: PipelineRef }> {
  const refArg = args.find(looksLikePipelineRef);
  const id = args.find((a) => a !== refArg);
  if (id === undefined || args.length > 2) throw new CtlExit(EXIT.usage, 'expected ROLLOUT_ID [GROUP/PIPELINE]');
  if (refArg !== undefined) return { id, ref: parsePipelineRef(refArg) };
  const answer = await ctx.client.request('GET', '/api/v1/status');
  expectStatus(ctx, answer, 200);
  const key = Object.keys(answer.body.pipelines).find((k) => answer.body.pipelines[k].rollout?.rolloutId === id);
  if (key === undefined) {
    throw new CtlExit(EXIT.usage, `rollout ${id} is not the latest rollout of any pipeline: name its pipeline, \`ctl rollout status ${id} GROUP/PIPELINE\``);
  }
  return { id, ref: parsePipelineRef(key) };
}

export async function rolloutStatus(ctx: CtlContext, args: string[], options: RolloutStatusOptions): Promise<void> {
  const { id, ref } = await locateRollout(ctx, args);
  if (options.watch) return followRollout(ctx, ref, { rolloutId: id }, options);
  const answer = await ctx.client.request('GET', pipelinePath(ref, `/rollouts/${encodeURIComponent(id)}`));
  expectStatus(ctx, answer, 200);
  show(ctx, answer.body, renderRollout);
  // A read succeeds while the rollout runs; one that ended badly is a failure scripts must see.
  if (ROLLOUT_FINAL.has(answer.body.state)) requireSucceeded(answer.body, `rollout ${id}`);
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
  if (answer.status === 202 && options.watch) return followShutdown(ctx, ref, answer.body, options);
  show(ctx, answer.body, renderShutdown);
}

export async function start(ctx: CtlContext, target: string, options: FollowOptions): Promise<void> {
  const ref = parsePipelineRef(target);
  const answer = await ctx.client.request('POST', pipelinePath(ref, '/start'));
  expectStatus(ctx, answer, 202);
  if (options.watch) return followRollout(ctx, ref, answer.body, options);
  show(ctx, answer.body, renderRollout);
}

export interface DeleteOptions {
  /** The drain window (`timeout_secs`); the engine answers once the delete has ended. */
  timeout?: number;
}

export async function remove(ctx: CtlContext, target: string, options: DeleteOptions): Promise<void> {
  const ref = parsePipelineRef(target);
  const timeoutSecs = options.timeout ?? DEFAULT_WAIT_SECS;
  const answer = await ctx.client.request('DELETE', pipelinePath(ref), { query: { timeout_secs: timeoutSecs }, timeoutMs: waitedMs(timeoutSecs) });
  expectStatus(ctx, answer, 200);
  show(ctx, answer.body, renderDelete);
}

export interface ReconcileOptions extends FollowOptions {
  file: string;
  dryRun?: boolean;
  deleteMissing?: boolean;
}

export async function reconcile(ctx: CtlContext, options: ReconcileOptions): Promise<void> {
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
  if (answer.status === 202 && options.watch) {
    const path = `/api/v1/config/reconciles/${encodeURIComponent(answer.body.reconcileId)}`;
    const final = await watch(ctx, { path, render: renderReconcile, isFinal: (r) => RECONCILE_FINAL.has(r.state), timeoutSecs: options.timeout });
    return requireSucceeded(final, `reconcile ${final.reconcileId}`);
  }
  show(ctx, answer.body, renderReconcile);
}

