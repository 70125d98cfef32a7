// A test double of our own AdminBackend interface with canned data: one group `default` with pipeline `main`, and an
// empty group `empty`. Tests override single methods to make them fail.
import type { AdminBackend, PipelineDescription } from '../../src/admin/backend.js';
import type { EngineConfig } from '../../src/config/types.js';
import type { PipelineStatus, ProbeResult } from '../../src/state/status-types.js';

const T = '2025-01-01T00:00:00.000Z';

export const MAIN_STATUS: PipelineStatus = {
  conditions: [{ type: 'Ready', status: 'True', reason: 'QuorumMet', lastTransitionTime: T }],
  totalCores: 1,
  runningCores: 1,
  cores: { '0': { phase: 'running', lastHeartbeatTime: T, conditions: [], deletePending: false, recentEvents: [] } },
  instances: [
    { coreId: 0, deploymentGeneration: 1, pid: 4242, phase: 'running', restarts: 0, cpuPercent: 1.5, rssBytes: 5e7 },
  ],
  activeGeneration: 1,
  servingGenerations: { '0': 1 },
  desiredStatus: 'running',
  deploymentStatus: 'running',
  deploymentStatusSince: T,
  deploymentError: null,
  listeners: [],
};

export const CONFIG: EngineConfig = {
  version: 'otel_dataflow/v1',
  engine: { http_admin: { bind_address: '127.0.0.1:0' } },
  groups: {
    default: {
      pipelines: {
        main: {
          nodes: {
            gen: { type: 'receiver:traffic_generator' },
            out: { type: 'exporter:noop' },
          },
          connections: [{ from: 'gen', to: 'out' }],
        },
      },
    },
    empty: { pipelines: {} },
  },
};

export const MAIN_DESCRIPTION: PipelineDescription = {
  pipelineGroupId: 'default',
  pipelineId: 'main',
  config: CONFIG.groups.default!.pipelines.main!,
  desiredStatus: 'running',
  activeGeneration: 1,
};

function probe(name: ProbeResult['probe'], ok: boolean): ProbeResult {
  return ok
    ? { probe: name, status: 'ok', generatedAt: T, failing: [] }
    : { probe: name, status: 'failed', generatedAt: T, message: 'not ready', failing: [{ pipeline: 'default:main', condition: 'Ready' }] };
}

export function createTestBackend(overrides: Partial<AdminBackend> = {}): AdminBackend {
  const base: AdminBackend = {
    status: () => ({ generatedAt: T, pipelines: { 'default:main': MAIN_STATUS } }),
    pipelineStatus: (g, p) => (g === 'default' && p === 'main' ? MAIN_STATUS : undefined),
    pipeline: (g, p) => (g === 'default' && p === 'main' ? MAIN_DESCRIPTION : undefined),
    hasGroup: (g) => Object.hasOwn(CONFIG.groups, g),
    group: (g) => {
      const spec = Object.hasOwn(CONFIG.groups, g) ? CONFIG.groups[g] : undefined;
      return spec && { pipelineGroupId: g, pipelines: Object.keys(spec.pipelines).sort() };
    },
    committedConfig: () => CONFIG,
    livez: () => probe('livez', true),
    readyz: () => probe('readyz', true),
  };
  return { ...base, ...overrides };
}

export { probe };
