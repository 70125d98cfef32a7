// The `groups` commands, named as upstream's dfctl names what it has (`groups status`, `groups shutdown`), with
// `list`, `get`, `create` and `delete` beside them for the group endpoints dfctl has no command for.
import { expectStatus } from './answers.js';
import { followHint, show, type CtlContext } from './context.js';
import { CtlExit, EXIT } from './exit-codes.js';
import { DEFAULT_WAIT_SECS, waitedMs, waitQuery, type FollowOptions } from './commands.js';
import { followShutdown } from './follow-commands.js';
import { followArgs, recordKind, RENDER } from './records.js';
import { renderGroup, renderGroupList, renderGroupShutdown, renderGroupStatus } from './render-groups.js';
import { renderShutdown } from './render.js';
import { watch } from './watch.js';

const groupPath = (group: string): string => `/api/v1/groups/${encodeURIComponent(group)}`;

function groupId(text: string): string {
  if (text === '' || /[/:]/.test(text)) throw new CtlExit(EXIT.usage, `expected a group id (no "/" or ":"), got ${JSON.stringify(text)}`);
  return text;
}

/** `groups list`: the groups of the committed config (empty ones too), with how many of their pipelines run. */
export async function list(ctx: CtlContext): Promise<void> {
  const config = await ctx.client.request('GET', '/api/v1/config');
  expectStatus(ctx, config, 200);
  const status = await ctx.client.request('GET', '/api/v1/status');
  expectStatus(ctx, status, 200);
  const groups = Object.entries<any>(config.body.groups ?? {})
    .map(([pipelineGroupId, group]) => {
      const pipelines = Object.keys(group?.pipelines ?? {}).sort();
      const running = pipelines.filter((p) => status.body.pipelines?.[`${pipelineGroupId}:${p}`]?.deploymentStatus === 'running').length;
      return { pipelineGroupId, pipelines, running };
    })
    .sort((a, b) => a.pipelineGroupId.localeCompare(b.pipelineGroupId));
  show(ctx, { groups }, (d) => renderGroupList(d.groups));
}

export async function get(ctx: CtlContext, group: string): Promise<void> {
  const answer = await ctx.client.request('GET', groupPath(groupId(group)));
  expectStatus(ctx, answer, 200);
  show(ctx, answer.body, (body) => renderGroup(group, body));
}

/** POST /groups/{group} with an empty group, as upstream takes it; 409 if it exists. */
export async function create(ctx: CtlContext, group: string): Promise<void> {
  const answer = await ctx.client.request('POST', groupPath(groupId(group)), { body: { pipelines: {} } });
  expectStatus(ctx, answer, 200, 201);
  show(ctx, answer.body, (body) => `created group ${body?.pipelineGroupId ?? group}`);
}

/**
 * DELETE /groups/{group}: drains every pipeline of the group and forgets it. The engine waits (`timeout_secs`) and
 * answers the delete's record; an engine that answers 202 at once hands over one shutdown per pipeline, to follow.
 */
export async function remove(ctx: CtlContext, group: string, options: FollowOptions): Promise<void> {
  const timeoutSecs = options.timeout ?? DEFAULT_WAIT_SECS;
  const answer = await ctx.client.request('DELETE', groupPath(groupId(group)), { query: { timeout_secs: timeoutSecs }, timeoutMs: waitedMs(timeoutSecs) });
  expectStatus(ctx, answer, 200, 202);
  const kind = recordKind(answer.body);
  if (kind !== undefined) return show(ctx, answer.body, RENDER[kind]);
  const shutdowns: any[] = Array.isArray(answer.body?.shutdowns) ? answer.body.shutdowns : [];
  if (options.watch) {
    for (const s of shutdowns) await followShutdown(ctx, { group: s.pipelineGroupId, pipeline: s.pipelineId }, s.shutdownId, options);
    return;
  }
  show(ctx, answer.body, (body) => [`Deleting group ${body.pipelineGroupId}`, ...shutdowns.map(renderShutdown)].join('\n'));
  for (const s of shutdowns) followHint(ctx, followArgs('shutdown', s));
}

const TERMINAL = new Set(['stopped', 'failed']);

/** Upstream's GET /groups/status; an engine without it has the same answer at GET /status. */
async function readGroupStatus(ctx: CtlContext): Promise<any> {
  const answer = await ctx.client.request('GET', '/api/v1/groups/status');
  if (answer.status === 200) return answer.body;
  const fallback = await ctx.client.request('GET', '/api/v1/status');
  expectStatus(ctx, fallback, 200);
  return fallback.body;
}

/**
 * `groups status`: every pipeline, by group. With --watch it follows a shutdown of them all, as upstream's dfctl
 * does: redrawn as it changes until no pipeline is still running or draining.
 */
export async function status(ctx: CtlContext, options: FollowOptions): Promise<void> {
  if (!options.watch) return show(ctx, await readGroupStatus(ctx), renderGroupStatus);
  const path = (await ctx.client.request('GET', '/api/v1/groups/status')).status === 200 ? '/api/v1/groups/status' : '/api/v1/status';
  const allDown = (s: any) => Object.values<any>(s.pipelines ?? {}).every((p) => TERMINAL.has(p.deploymentStatus));
  // The status changes at every read (heartbeats, its own time): only a change of the table shows it again.
  const final = await watch(ctx, { path, render: renderGroupStatus, isFinal: allDown, timeoutSecs: options.timeout, changeKey: renderGroupStatus });
  const failed = Object.entries<any>(final.pipelines ?? {}).filter(([, p]) => p.deploymentStatus === 'failed').map(([key]) => key);
  if (failed.length > 0) throw new CtlExit(EXIT.operationFailed, `stopped, but failed: ${failed.join(', ')}`);
}

/**
 * POST /groups/shutdown: drain every pipeline of the engine, which then exits (upstream's engine-wide shutdown). With
 * the engine gone there is nothing to follow afterwards, so --watch waits for the engine's answer, as --wait does.
 */
export async function shutdownAll(ctx: CtlContext, options: FollowOptions): Promise<void> {
  // An engine without the endpoint would take "shutdown" for a group id and create a group of that name.
  if ((await ctx.client.request('GET', '/api/v1/groups/status')).status !== 200) {
    throw new CtlExit(EXIT.refused, 'this engine has no POST /groups/shutdown (GET /groups/status is missing too): shut its pipelines down one by one');
  }
  const waited = { ...options, wait: options.wait === true || options.watch === true };
  const timeoutMs = waited.wait ? waitedMs(options.timeout ?? DEFAULT_WAIT_SECS) : undefined;
  const answer = await ctx.client.request('POST', '/api/v1/groups/shutdown', { query: waitQuery(waited), timeoutMs });
  expectStatus(ctx, answer, 200, 202);
  show(ctx, answer.body, renderGroupShutdown);
  if (answer.status === 202 && !ctx.json) ctx.io.stderr('the engine exits once every pipeline has drained\n');
}
