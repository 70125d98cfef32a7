// Reading and following operation records: `rollout status`, `shutdown status` and `reconcile status`, each with
// --watch, and the follow that --watch of a mutation runs. A read of a record that ended badly fails like a watch of it.
import { expectStatus } from './answers.js';
import { pipelinePath, type PipelineRef } from './client.js';
import { show, type CtlContext } from './context.js';
import { CtlExit, EXIT } from './exit-codes.js';
import { looksLikePipelineRef, parsePipelineRef } from './inputs.js';
import { RECONCILE_FINAL, ROLLOUT_FINAL, SHUTDOWN_FINAL } from './records.js';
import { renderReconcile, renderRollout, renderShutdown } from './render.js';
import { requireSucceeded, watch } from './watch.js';

export interface WatchFlags {
  watch?: boolean;
  timeout?: number;
}

const rolloutPath = (ref: PipelineRef, id: string) => pipelinePath(ref, `/rollouts/${encodeURIComponent(id)}`);
const shutdownPath = (ref: PipelineRef, id: string) => pipelinePath(ref, `/shutdowns/${encodeURIComponent(id)}`);
const reconcilePath = (id: string) => `/api/v1/config/reconciles/${encodeURIComponent(id)}`;

export async function followRollout(ctx: CtlContext, ref: PipelineRef, rolloutId: string, options: WatchFlags): Promise<void> {
  const final = await watch(ctx, { path: rolloutPath(ref, rolloutId), render: renderRollout, isFinal: (r) => ROLLOUT_FINAL.has(r.state), timeoutSecs: options.timeout });
  requireSucceeded(final, `rollout ${final.rolloutId}`);
}

export async function followShutdown(ctx: CtlContext, ref: PipelineRef, shutdownId: string, options: WatchFlags): Promise<void> {
  const final = await watch(ctx, { path: shutdownPath(ref, shutdownId), render: renderShutdown, isFinal: (s) => SHUTDOWN_FINAL.has(s.state), timeoutSecs: options.timeout });
  requireSucceeded(final, `shutdown ${final.shutdownId}`);
}

export async function followReconcile(ctx: CtlContext, reconcileId: string, options: WatchFlags): Promise<void> {
  const final = await watch(ctx, { path: reconcilePath(reconcileId), render: renderReconcile, isFinal: (r) => RECONCILE_FINAL.has(r.state), timeoutSecs: options.timeout });
  requireSucceeded(final, `reconcile ${final.reconcileId}`);
}

/** `ID [GROUP/PIPELINE]` in either order. */
function splitIdAndRef(args: string[], what: string): { id: string; refArg: string | undefined } {
  const refArg = args.find(looksLikePipelineRef);
  const id = args.find((a) => a !== refArg);
  if (id === undefined || args.length > 2) throw new CtlExit(EXIT.usage, `expected ${what.toUpperCase()}_ID [GROUP/PIPELINE]`);
  return { id, refArg };
}

/** `rollout status ID [GROUP/PIPELINE]`; without the pipeline, the one whose latest rollout is ID. */
async function locateRollout(ctx: CtlContext, args: string[]): Promise<{ id: string; ref: PipelineRef }> {
  const { id, refArg } = splitIdAndRef(args, 'rollout');
  if (refArg !== undefined) return { id, ref: parsePipelineRef(refArg) };
  const answer = await ctx.client.request('GET', '/api/v1/status');
  expectStatus(ctx, answer, 200);
  const key = Object.keys(answer.body.pipelines).find((k) => answer.body.pipelines[k].rollout?.rolloutId === id);
  if (key === undefined) {
    throw new CtlExit(EXIT.usage, `rollout ${id} is not the latest rollout of any pipeline: name its pipeline, \`ctl rollout status ${id} GROUP/PIPELINE\``);
  }
  return { id, ref: parsePipelineRef(key) };
}

/** `shutdown status ID [GROUP/PIPELINE]`; without the pipeline, the pipeline of the engine that has a shutdown ID. */
async function locateShutdown(ctx: CtlContext, args: string[]): Promise<{ id: string; ref: PipelineRef }> {
  const { id, refArg } = splitIdAndRef(args, 'shutdown');
  if (refArg !== undefined) return { id, ref: parsePipelineRef(refArg) };
  const answer = await ctx.client.request('GET', '/api/v1/status');
  expectStatus(ctx, answer, 200);
  // Operation ids are unique in an engine, so at most one pipeline knows this one.
  for (const key of Object.keys(answer.body.pipelines).sort()) {
    const ref = parsePipelineRef(key);
    if ((await ctx.client.request('GET', shutdownPath(ref, id))).status === 200) return { id, ref };
  }
  throw new CtlExit(EXIT.refused, `no pipeline of the engine has a shutdown ${id}: name its pipeline, \`ctl shutdown status ${id} GROUP/PIPELINE\``);
}

export async function rolloutStatus(ctx: CtlContext, args: string[], options: WatchFlags): Promise<void> {
  const { id, ref } = await locateRollout(ctx, args);
  if (options.watch) return followRollout(ctx, ref, id, options);
  const answer = await ctx.client.request('GET', rolloutPath(ref, id));
  expectStatus(ctx, answer, 200);
  show(ctx, answer.body, renderRollout);
  // A read succeeds while the rollout runs; one that ended badly is a failure scripts must see.
  if (ROLLOUT_FINAL.has(answer.body.state)) requireSucceeded(answer.body, `rollout ${id}`);
}

export async function shutdownStatus(ctx: CtlContext, args: string[], options: WatchFlags): Promise<void> {
  const { id, ref } = await locateShutdown(ctx, args);
  if (options.watch) return followShutdown(ctx, ref, id, options);
  const answer = await ctx.client.request('GET', shutdownPath(ref, id));
  expectStatus(ctx, answer, 200);
  show(ctx, answer.body, renderShutdown);
  if (SHUTDOWN_FINAL.has(answer.body.state)) requireSucceeded(answer.body, `shutdown ${id}`);
}

/** `reconcile status ID` (`latest`: the engine's latest reconcile, a SIGHUP reload's too). */
export async function reconcileStatus(ctx: CtlContext, id: string, options: WatchFlags): Promise<void> {
  if (options.watch) return followReconcile(ctx, id, options);
  const answer = await ctx.client.request('GET', reconcilePath(id));
  expectStatus(ctx, answer, 200);
  show(ctx, answer.body, renderReconcile);
  if (RECONCILE_FINAL.has(answer.body.state)) requireSucceeded(answer.body, `reconcile ${answer.body.reconcileId}`);
}
