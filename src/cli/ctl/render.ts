// Human views of the API's records. Each takes the JSON exactly as the API answered it; `-o json` bypasses all of this.
import { stringify } from 'yaml';
import { bytes, clock, fields, table } from './table.js';

export function renderEngineStatus(status: any): string {
  const keys = Object.keys(status.pipelines ?? {}).sort();
  if (keys.length === 0) return 'no pipelines';
  const rows = keys.map((key) => {
    const p = status.pipelines[key];
    const rollout = p.rollout ? `${p.rollout.rolloutId} ${p.rollout.action} ${p.rollout.state}` : '-';
    return [key, p.desiredStatus, p.deploymentStatus, `${p.runningCores}/${p.totalCores}`, p.activeGeneration, rollout];
  });
  return table(['PIPELINE', 'DESIRED', 'STATUS', 'CORES', 'GEN', 'LAST ROLLOUT'], rows);
}

export function renderPipeline(description: any, status: any | undefined): string {
  const parts: string[] = [];
  const serving = status ? Object.entries(status.servingGenerations ?? {}).map(([core, gen]) => `core ${core}: ${gen}`).join(', ') : '';
  parts.push(
    fields([
      ['Pipeline', `${description.pipelineGroupId}/${description.pipelineId}`],
      ['Desired', description.desiredStatus],
      ['Status', status ? `${status.deploymentStatus} since ${status.deploymentStatusSince}` : undefined],
      ['Generation', `${description.activeGeneration}${serving ? ` (serving ${serving})` : ''}`],
      ['Listeners', status?.listeners?.map((l: any) => `${l.id} ${l.protocol} ${l.address}`).join(', ')],
      ['Last rollout', status?.rollout ? `${status.rollout.rolloutId} ${status.rollout.action} ${status.rollout.state}` : undefined],
      ['Conditions', status?.conditions?.map((c: any) => `${c.type}=${c.status} (${c.reason})`).join(', ')],
      ['Error', status?.deploymentError ? `${status.deploymentError.error_code}: ${status.deploymentError.message}` : undefined],
    ]),
  );
  if (status?.instances?.length > 0) {
    const rows = status.instances.map((i: any) => [i.coreId, i.deploymentGeneration, i.pid ?? '-', i.phase, i.restarts, i.cpuPercent.toFixed(1), bytes(i.rssBytes)]);
    parts.push(table(['CORE', 'GEN', 'PID', 'PHASE', 'RESTARTS', 'CPU%', 'RSS'], rows));
  }
  // `pipeline` as upstream names it; engines before it answered `config`.
  parts.push(`Committed config:\n${indent(stringify(description.pipeline ?? description.config).trimEnd())}`);
  return parts.join('\n\n');
}

function generations(from: number | undefined, to: number): string {
  return from === undefined || from === to ? String(to) : `${from} -> ${to}`;
}

export function renderRollout(r: any): string {
  const head = `Rollout ${r.rolloutId} (${r.action}) of ${r.pipelineGroupId}/${r.pipelineId}: ${r.state}, generation ${generations(r.previousGeneration, r.targetGeneration)}`;
  const lines = [head];
  if (r.cores.length > 0) {
    const rows = r.cores.map((c: any) => [c.coreId, c.state, generations(c.previousGeneration, c.targetGeneration), clock(c.updatedAt), c.detail ?? '']);
    lines.push(table(['CORE', 'STATE', 'GEN', 'UPDATED', 'DETAIL'], rows));
  }
  if (r.failureReason) lines.push(`Failure: ${r.failureReason}`);
  return lines.join('\n');
}

export function renderShutdown(s: any): string {
  const lines = [`Shutdown ${s.shutdownId} of ${s.pipelineGroupId}/${s.pipelineId}: ${s.state}`];
  if (s.cores.length > 0) {
    lines.push(table(['CORE', 'STATE', 'GEN', 'UPDATED'], s.cores.map((c: any) => [c.coreId, c.state, c.deploymentGeneration, clock(c.updatedAt)])));
  }
  if (s.failureReason) lines.push(`Failure: ${s.failureReason}`);
  return lines.join('\n');
}

export function renderReconcile(r: any): string {
  const lines = [`Reconcile ${r.reconcileId}: ${r.state}${r.deleteMissing ? ' (delete missing)' : ''}`];
  // Upstream's record lists `changes` (the rollout or shutdown inside each); ours listed `pipelines` (their ids).
  const changes: any[] = r.changes ?? r.pipelines ?? [];
  if (changes.length > 0) {
    const operation = (p: any) => p.rolloutId ?? p.shutdownId ?? p.rollout?.rolloutId ?? p.shutdown?.shutdownId ?? '-';
    const rows = changes.map((p: any) => [`${p.pipelineGroupId ?? '-'}/${p.pipelineId ?? '-'}`, p.action, p.state, operation(p), p.failureReason ?? p.detail ?? '']);
    lines.push(table(['PIPELINE', 'ACTION', 'STATE', 'OPERATION', 'FAILURE'], rows));
  }
  if (r.failureReason) lines.push(`Failure: ${r.failureReason}`);
  for (const e of r.errors ?? []) lines.push(`  ${e.path}: ${e.message} [${e.code}]`);
  return lines.join('\n');
}

function value(v: unknown): string {
  return JSON.stringify(v) ?? 'undefined';
}

export function renderDiff(diff: any[]): string {
  if (diff.length === 0) return '  (no change)';
  return diff
    .map((d) => {
      if (d.op === 'add') return `  + ${d.path}: ${value(d.to)}`;
      if (d.op === 'remove') return `  - ${d.path}: ${value(d.from)}`;
      return `  ~ ${d.path}: ${value(d.from)} -> ${value(d.to)}`;
    })
    .join('\n');
}

function planLine(cores: any[]): string {
  return cores.length === 0 ? 'no cores' : cores.map((c) => `core ${c.coreId} ${c.step}`).join(', ');
}

/** A PUT dry run: `{ action, plan, diff }`. */
export function renderDryRun(target: string, d: any): string {
  return [`Dry run of ${target}: ${d.action} (nothing was changed)`, `Plan: ${planLine(d.plan.cores)}`, 'Diff:', renderDiff(d.diff)].join('\n');
}

/** A reconcile dry run: `{ deleteMissing, pipelines: [{ action, cores, diff }] }`. */
export function renderReconcilePlan(d: any): string {
  const lines = ['Dry run of the reconcile (nothing was changed):'];
  for (const p of d.pipelines) {
    lines.push(`${p.pipelineGroupId}/${p.pipelineId}: ${p.action}  (${planLine(p.cores)})`);
    if (p.action !== 'noop' && p.action !== 'delete') lines.push(renderDiff(p.diff));
  }
  return lines.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
