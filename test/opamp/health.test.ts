// The engine's status as OpAMP ComponentHealth: engine → group → pipeline → node, with upstream's statuses and their
// precedence, and a node's latest error from its cores' events.
import { describe, expect, it } from 'vitest';
import { engineHealth } from '../../src/opamp/health.js';
import type { CorePhase, CoreStatus, ObservedEvent, PipelineStatus } from '../../src/state/status-types.js';
import type { InstancePhase } from '../../src/state/phase.js';
import { MAIN_STATUS } from '../admin/test-backend.js';

const T = '2025-01-01T00:00:00.000Z';

/** Upstream's spelling of a phase: `failed` carries its reason, `deleting` its mode. */
const upstreamPhase = (phase: InstancePhase): CorePhase =>
  phase === 'failed' ? { failed: 'runtime_error' } : phase === 'deleting' ? { deleting: 'graceful' } : phase;

function pipeline(phases: InstancePhase[], overrides: Partial<PipelineStatus> = {}): PipelineStatus {
  const ready = phases.length > 0 && phases.every((p) => p === 'running');
  const core = (phase: InstancePhase): CoreStatus => ({ phase: upstreamPhase(phase), lastHeartbeatTime: T, conditions: [], deletePending: false, recentEvents: [] });
  return {
    ...MAIN_STATUS,
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? 'QuorumMet' : 'QuorumNotMet', message: ready ? undefined : '0 of 1 cores ready', lastTransitionTime: T }],
    cores: Object.fromEntries(phases.map((phase, id) => [String(id), core(phase)])),
    instances: phases.map((phase, id) => ({ coreId: id, deploymentGeneration: 1, status: core(phase), pid: 100 + id, phase, restarts: 0, cpuPercent: 0, rssBytes: 0 })),
    ...overrides,
  };
}

function event(time: string, name: string, message?: string): ObservedEvent {
  return {
    Engine: {
      key: { pipeline_group_id: 'g', pipeline_id: 'p', core_id: 0, deployment_generation: 1 },
      time,
      type: { Error: { RuntimeError: { Pipeline: { error_kind: 'node_error', message: message ?? name } } } },
      ...(message ? { message } : {}),
      event: name,
    },
  };
}

const health = (pipelines: Record<string, PipelineStatus>) => engineHealth({ generatedAt: T, pipelines }, 1n, 2n);

describe('engineHealth', () => {
  it('is healthy and running with no pipeline at all', () => {
    expect(health({})).toMatchObject({ healthy: true, status: 'running', startTimeUnixNano: 1n, componentHealthMap: {} });
  });

  it('gives each pipeline the status of its cores, by upstream precedence', () => {
    const h = health({
      'a:up': pipeline(['running', 'running']),
      'a:boot': pipeline(['running', 'starting']),
      'a:drain': pipeline(['draining', 'starting']),
      'b:gone': pipeline(['stopped', 'deleted']),
      'b:dead': pipeline(['failed'], { deploymentStatus: 'failed', deploymentError: { error_code: 'RestartLimitExceeded', message: 'core 0 gave up', details: {} } }),
      'b:half': pipeline(['running', 'failed']),
    });
    const of = (group: string, id: string) => h.componentHealthMap[group]!.componentHealthMap[id]!;
    expect([of('a', 'up').status, of('a', 'up').healthy]).toEqual(['running', true]);
    expect(of('a', 'boot')).toMatchObject({ status: 'starting', healthy: false, lastError: '0 of 1 cores ready' });
    expect(of('a', 'drain').status).toBe('stopping');
    expect(of('b', 'gone').status).toBe('stopped');
    expect(of('b', 'dead')).toMatchObject({ status: 'failed', lastError: 'core 0 gave up' });
    expect(of('b', 'half').status).toBe('degraded');
    expect(h.componentHealthMap.a).toMatchObject({ healthy: false, status: 'stopping' });
    expect(h.componentHealthMap.b).toMatchObject({ healthy: false, status: 'degraded' });
    expect(h).toMatchObject({ healthy: false, status: 'stopping' });
  });

  it('lists the nodes running instances report, each with the latest error recorded against it', () => {
    const p = pipeline(['running']);
    p.instances[0]!.nodes = { gen: {} as never, out: {} as never };
    p.cores['0']!.recentEvents = [
      event('2025-01-01T00:00:01.000Z', 'error', 'node "out": refused (503)'),
      event('2025-01-01T00:00:02.000Z', 'error', 'node "out": timed out'),
      event('2025-01-01T00:00:03.000Z', 'ready'),
      { Log: { time: '2025-01-01T00:00:04.000Z', record: { event: 'note', message: 'node "gen": not an error' } } },
    ];
    const nodes = health({ 'g:p': p }).componentHealthMap.g!.componentHealthMap.p!.componentHealthMap;
    expect(Object.keys(nodes)).toEqual(['gen', 'out']);
    expect([nodes.gen!.lastError, nodes.out!.lastError, nodes.out!.status]).toEqual(['', 'node "out": timed out', 'running']);
  });
});
