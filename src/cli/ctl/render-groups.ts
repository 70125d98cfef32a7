// Human views of groups and of the records of deletes and of the engine-wide shutdown. Each takes the JSON exactly as
// the API answered it; `-o json` bypasses all of this.
import { stringify } from 'yaml';
import { renderShutdown } from './render.js';
import { clock, fields, table } from './table.js';

/** `groups list`: every group of the committed config, with the status of its pipelines. */
export function renderGroupList(groups: Array<{ pipelineGroupId: string; pipelines: string[]; running: number }>): string {
  if (groups.length === 0) return 'no groups';
  const rows = groups.map((g) => [g.pipelineGroupId, g.pipelines.length, g.running, g.pipelines.join(', ') || '-']);
  return table(['GROUP', 'PIPELINES', 'RUNNING', 'NAMES'], rows);
}

/** `groups get`: the group as GET /groups/{group} answers it (its pipelines as a list of ids, or as their configs). */
export function renderGroup(name: string, body: any): string {
  const pipelines = body?.pipelines;
  const ids = Array.isArray(pipelines) ? pipelines.map(String) : pipelines && typeof pipelines === 'object' ? Object.keys(pipelines) : [];
  const parts = [fields([['Group', body?.pipelineGroupId ?? name], ['Pipelines', ids.length > 0 ? ids.join(', ') : 'none']])];
  if (pipelines && typeof pipelines === 'object' && !Array.isArray(pipelines) && ids.length > 0) {
    parts.push(`Committed config:\n${stringify(body).trimEnd().replace(/^/gm, '  ')}`);
  }
  return parts.join('\n\n');
}

/** `groups status`: every pipeline, by group. */
export function renderGroupStatus(status: any): string {
  const keys = Object.keys(status?.pipelines ?? {}).sort();
  if (keys.length === 0) return 'no pipelines';
  const rows = keys.map((key) => {
    const p = status.pipelines[key];
    const [group, pipeline] = key.split(':');
    return [group ?? key, pipeline ?? '', p.deploymentStatus ?? '-', `${p.runningCores}/${p.totalCores}`, p.activeGeneration ?? '-'];
  });
  return table(['GROUP', 'PIPELINE', 'STATUS', 'CORES', 'GEN'], rows);
}

/** The answer of DELETE …/pipelines/{id} once it has waited (upstream's PipelineDeleteStatus). */
export function renderDeleteStatus(d: any): string {
  const lines = [`Delete of ${d.pipelineGroupId}/${d.pipelineId}: ${d.state} (${clock(d.startedAt)} to ${clock(d.updatedAt)})`];
  if (d.shutdown) lines.push(renderShutdown(d.shutdown));
  if (d.failureReason) lines.push(`Failure: ${d.failureReason}`);
  return lines.join('\n');
}

/** The answer of DELETE /groups/{group} once it has waited (upstream's GroupDeleteStatus). */
export function renderGroupDelete(d: any): string {
  const lines = [`Delete of group ${d.pipelineGroupId}: ${d.state}`];
  const pipelines: any[] = d.pipelines ?? [];
  if (pipelines.length > 0) {
    lines.push(table(['PIPELINE', 'STATE', 'SHUTDOWN', 'FAILURE'], pipelines.map((p) => [p.pipelineId, p.state, p.shutdown?.shutdownId ?? '-', p.failureReason ?? ''])));
  }
  if (d.failureReason) lines.push(`Failure: ${d.failureReason}`);
  return lines.join('\n');
}

/** The answer of POST /groups/shutdown: `{ status, errors?, durationMs? }`. */
export function renderGroupShutdown(r: any): string {
  const lines = [`Shutdown of every pipeline: ${r.status}${r.durationMs === undefined ? '' : ` after ${r.durationMs} ms`}`];
  for (const e of r.errors ?? []) lines.push(`  ${e}`);
  return lines.join('\n');
}
