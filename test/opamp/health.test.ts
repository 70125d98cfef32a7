// The engine's status as OpAMP ComponentHealth: engine → group → pipeline → node, with upstream's statuses and their
// precedence, and a node's latest error from its cores' events.
import { describe, expect, it } from 'vitest';
import { engineHealth } from '../../src/opamp/health.js';
import type { PipelineStatus } from '../../src/state/status-types.js';
import type { InstancePhase } from '../../src/state/phase.js';
import { MAIN_STATUS } from '../admin/test-backend.js';

const T = '2025-01-01T00:00:00.000Z';

function pipeline(phases: InstancePhase[], overrides: Partial<PipelineStatus> = {}): PipelineStatus {
  const ready = phases.length > 0 && phases.every((p) => p === 'running');
  return {
    ...MAIN_STATUS,
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? 'QuorumMet' : 'QuorumNotMet', message: ready ? undefined : '0 of 1 cores ready', lastTransitionTime: T }],
    cores: Object.fromEntries(phases.map((phase, core) => [String(core), { phase, lastHeartbeatTime: T, conditions: [], deletePending: false, recentEvents: [] }])),
    instances: phases.map((phase, core) => ({ coreId: core, deploymentGeneration: 1, pid: 100 + core, phase, restarts: 0, cpuPercent: 0, rssBytes: 0 })),
    ...overrides,
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
      { time: '2025-01-01T00:00:01.000Z', generation: 1, event: 'error', message: 'node "out": refused (503)' },
      { time: '2025-01-01T00:00:02.000Z', generation: 1, event: 'error', message: 'node "out": timed out' },
      { time: '2025-01-01T00:00:03.000Z', generation: 1, event: 'ready' },
    ];
    const nodes = health({ 'g:p': p }).componentHealthMap.g!.componentHealthMap.p!.componentHealthMap;
    expect(Object.keys(nodes)).toEqual(['gen', 'out']);
    expect([nodes.gen!.lastError, nodes.out!.lastError, nodes.out!.status]).toEqual(['', 'node "out": timed out', 'running']);
  });
});
