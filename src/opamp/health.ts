// The engine's health as OpAMP's ComponentHealth tree: the engine, then one component per group, per pipeline, and per
// node of a pipeline where its instances report the node. Statuses and their order of precedence are upstream's
// (starting, running, stopping, stopped, failed, degraded), so a server built for upstream's agent reads ours alike.
import type { CorePhase, EngineEvent, EngineStatus, PipelineStatus } from '../state/status-types.js';
import type { InstancePhase } from '../state/phase.js';
import { create, ComponentHealthSchema, type ComponentHealth } from './proto.js';

export type HealthStatus = 'starting' | 'running' | 'stopping' | 'stopped' | 'failed' | 'degraded';

const PHASE_KIND: Record<InstancePhase, 'running' | 'stopped' | 'stopping' | 'starting' | 'failed'> = {
  running: 'running',
  stopped: 'stopped',
  deleted: 'stopped',
  draining: 'stopping',
  deleting: 'stopping',
  pending: 'starting',
  starting: 'starting',
  updating: 'starting',
  rolling_back: 'starting',
  failed: 'failed',
};

export function engineHealth(status: EngineStatus, startTimeUnixNano: bigint, nowUnixNano: bigint): ComponentHealth {
  const groups = new Map<string, Record<string, ComponentHealth>>();
  for (const [key, pipeline] of Object.entries(status.pipelines)) {
    const split = key.indexOf(':');
    const group = key.slice(0, split);
    const members = groups.get(group) ?? {};
    members[key.slice(split + 1)] = pipelineHealth(pipeline, nowUnixNano);
    groups.set(group, members);
  }
  const groupHealth: Record<string, ComponentHealth> = {};
  for (const [group, members] of groups) groupHealth[group] = aggregate(members, nowUnixNano);
  const engine = aggregate(groupHealth, nowUnixNano);
  engine.startTimeUnixNano = startTimeUnixNano;
  return engine;
}

/** Running and healthy when the pipeline is ready and not failed; otherwise what the phases of its cores say. */
export function pipelineHealth(pipeline: PipelineStatus, nowUnixNano: bigint): ComponentHealth {
  const ready = pipeline.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
  const healthy = ready && pipeline.deploymentStatus !== 'failed';
  const status: HealthStatus = healthy ? 'running' : fromPhases(Object.values(pipeline.cores).map((core) => plainPhase(core.phase)));
  const lastError = healthy ? '' : (pipeline.deploymentError?.message ?? pipeline.conditions.find((c) => c.type === 'Ready' && c.status !== 'True')?.message ?? '');
  return create(ComponentHealthSchema, {
    healthy,
    status,
    lastError,
    statusTimeUnixNano: nowUnixNano,
    componentHealthMap: nodeHealth(pipeline, healthy, status, nowUnixNano),
  });
}

/** Upstream's phase spelling carries a reason with `failed` and a mode with `deleting`: the phase is the key. */
function plainPhase(phase: CorePhase): InstancePhase {
  if (typeof phase === 'string') return phase;
  return 'failed' in phase ? 'failed' : 'deleting';
}

function fromPhases(phases: InstancePhase[]): HealthStatus {
  const kinds = phases.map((phase) => PHASE_KIND[phase]);
  if (kinds.length > 0 && kinds.every((k) => k === 'running')) return 'running';
  if (kinds.every((k) => k === 'stopped')) return 'stopped';
  if (kinds.includes('stopping')) return 'stopping';
  if (kinds.includes('starting')) return 'starting';
  if (kinds.every((k) => k === 'failed')) return 'failed';
  return 'degraded';
}

/** The nodes running instances report, each with the latest error a core recorded against it. */
function nodeHealth(pipeline: PipelineStatus, healthy: boolean, status: HealthStatus, nowUnixNano: bigint): Record<string, ComponentHealth> {
  const names = new Set<string>();
  for (const instance of pipeline.instances) {
    if (instance.phase === 'running') for (const name of Object.keys(instance.nodes ?? {})) names.add(name);
  }
  const events = Object.values(pipeline.cores)
    .flatMap((core) => core.recentEvents)
    .flatMap((e): EngineEvent[] => ('Engine' in e && e.Engine.event === 'error' && e.Engine.message !== undefined ? [e.Engine] : []))
    .sort((a, b) => a.time.localeCompare(b.time));
  const nodes: Record<string, ComponentHealth> = {};
  for (const name of [...names].sort()) {
    const lastError = events.filter((e) => e.message!.startsWith(`node "${name}"`)).at(-1)?.message ?? '';
    nodes[name] = create(ComponentHealthSchema, { healthy, status, lastError, statusTimeUnixNano: nowUnixNano });
  }
  return nodes;
}

/** A parent's health from its children's, by upstream's precedence. An empty parent is running: nothing is wrong. */
function aggregate(children: Record<string, ComponentHealth>, nowUnixNano: bigint): ComponentHealth {
  const statuses = Object.values(children).map((c) => c.status as HealthStatus);
  const status: HealthStatus = statuses.every((s) => s === 'running')
    ? 'running'
    : statuses.every((s) => s === 'stopped')
      ? 'stopped'
      : statuses.includes('stopping')
        ? 'stopping'
        : statuses.every((s) => s === 'failed')
          ? 'failed'
          : 'degraded';
  return create(ComponentHealthSchema, {
    healthy: Object.values(children).every((c) => c.healthy),
    status,
    statusTimeUnixNano: nowUnixNano,
    componentHealthMap: children,
  });
}
