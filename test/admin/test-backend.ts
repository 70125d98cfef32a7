// A test double of our own LiveAdminBackend interface with canned data: one group `default` with pipeline `main`, and
// an empty group `empty`. Tests override single methods to make them fail, and script the outcomes of live operations:
// each call takes the next queued outcome (or a canned `accepted` one) and is recorded with its arguments.
import type {
  AdminBackend,
  CreateGroupOutcome,
  DeleteGroupOutcome,
  DeletePipelineOutcome,
  EngineShutdownOutcome,
  LiveAdminBackend,
  PipelineDescription,
  PutPipelineOutcome,
  ReconcileOutcome,
  ShutdownOutcome,
  StartOutcome,
} from '../../src/state/commands.js';
import type { EngineConfig } from '../../src/config/types.js';
import type { GroupDeleteStatus, PipelineDeleteStatus, ReconcileStatus, RolloutStatus, ShutdownStatus } from '../../src/state/operations.js';
import type { PipelineStatus, ProbeResult } from '../../src/state/status-types.js';

const T = '2025-01-01T00:00:00.000Z';

export const MAIN_STATUS: PipelineStatus = {
  conditions: [{ type: 'Ready', status: 'True', reason: 'QuorumMet', lastTransitionTime: T }],
  totalCores: 1,
  runningCores: 1,
  cores: { '0': { phase: 'running', lastHeartbeatTime: T, conditions: [], deletePending: false, recentEvents: [] } },
  instances: [
    {
      coreId: 0,
      deploymentGeneration: 1,
      status: { phase: 'running', lastHeartbeatTime: T, conditions: [], deletePending: false, recentEvents: [] },
      pid: 4242,
      phase: 'running',
      restarts: 0,
      cpuPercent: 1.5,
      rssBytes: 5e7,
    },
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
            gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: 100, log_weight: 1 } } },
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
  activeGeneration: 1,
  pipeline: CONFIG.groups.default!.pipelines.main!,
  desiredStatus: 'running',
};

function probe(name: ProbeResult['probe'], ok: boolean): ProbeResult {
  return ok
    ? { probe: name, status: 'ok', generatedAt: T, failing: [] }
    : { probe: name, status: 'failed', generatedAt: T, message: 'not ready', failing: [{ pipeline: 'default:main', condition: { type: 'Ready', status: 'False', reason: 'QuorumNotMet', lastTransitionTime: T } }] };
}

export const ROLLOUT: RolloutStatus = {
  rolloutId: 'rollout-2',
  pipelineGroupId: 'default',
  pipelineId: 'main',
  action: 'replace',
  state: 'running',
  targetGeneration: 2,
  previousGeneration: 1,
  startedAt: T,
  updatedAt: T,
  cores: [{ coreId: 0, previousGeneration: 1, targetGeneration: 2, state: 'starting', updatedAt: T }],
};

export const SHUTDOWN: ShutdownStatus = {
  shutdownId: 'shutdown-1',
  pipelineGroupId: 'default',
  pipelineId: 'main',
  state: 'running',
  startedAt: T,
  updatedAt: T,
  initiator: 'admin_api',
  cores: [{ coreId: 0, deploymentGeneration: 1, state: 'shutdown_requested', updatedAt: T }],
};

export const PIPELINE_DELETE: PipelineDeleteStatus = {
  pipelineGroupId: 'default',
  pipelineId: 'main',
  state: 'succeeded',
  startedAt: T,
  updatedAt: T,
  shutdown: { ...SHUTDOWN, state: 'succeeded', cores: [{ coreId: 0, deploymentGeneration: 1, state: 'exited', updatedAt: T, detail: 'drained' }] },
};

export const GROUP_DELETE: GroupDeleteStatus = {
  pipelineGroupId: 'default',
  state: 'succeeded',
  startedAt: T,
  updatedAt: T,
  pipelines: [PIPELINE_DELETE],
};

export const RECONCILE: ReconcileStatus = {
  reconcileId: 'reconcile-1',
  state: 'running',
  startedAt: T,
  updatedAt: T,
  changes: [{ pipelineGroupId: 'default', pipelineId: 'main', action: 'replace', state: 'running', rollout: ROLLOUT }],
  trigger: 'api',
  deleteMissing: true,
};

/** The outcome of each scripted method. */
export interface Outcomes {
  putPipeline: PutPipelineOutcome;
  shutdownPipeline: ShutdownOutcome;
  startPipeline: StartOutcome;
  deletePipeline: DeletePipelineOutcome;
  createGroup: CreateGroupOutcome;
  deleteGroup: DeleteGroupOutcome;
  shutdownEngine: EngineShutdownOutcome;
  reconcile: ReconcileOutcome;
}
export type Scripted = keyof Outcomes;

/** An async method may be scripted with a promise, to hold its answer back. */
type Queued<M extends Scripted> = Outcomes[M] | Promise<Outcomes[M]>;

export interface Call {
  method: Scripted;
  args: unknown[];
}

export interface TestBackend extends LiveAdminBackend {
  /** Queues outcomes for the next calls of `method`, in order. */
  script<M extends Scripted>(method: M, ...outcomes: Array<Queued<M>>): void;
  /** Every call of a scripted method, with its arguments. */
  readonly calls: Call[];
  /** Drops queued outcomes and recorded calls. */
  reset(): void;
}

const DEFAULTS: { [M in Scripted]: (args: unknown[]) => Outcomes[M] } = {
  putPipeline: () => ({ kind: 'accepted', rollout: ROLLOUT }),
  shutdownPipeline: () => ({ kind: 'accepted', shutdown: SHUTDOWN }),
  startPipeline: () => ({ kind: 'accepted', rollout: ROLLOUT }),
  deletePipeline: () => ({ kind: 'succeeded', delete: PIPELINE_DELETE }),
  createGroup: (args) => ({ kind: 'created', group: { pipelines: {}, ...(args[1] as object) } }),
  deleteGroup: () => ({ kind: 'succeeded', delete: GROUP_DELETE }),
  shutdownEngine: () => ({ status: 'accepted' }),
  reconcile: () => ({ kind: 'succeeded', reconcile: { ...RECONCILE, state: 'succeeded' } }),
};

export function createTestBackend(overrides: Partial<LiveAdminBackend> = {}): TestBackend {
  const queues = new Map<Scripted, unknown[]>();
  const calls: Call[] = [];
  function next<M extends Scripted>(method: M, args: unknown[]): Queued<M> {
    calls.push({ method, args });
    const queued = queues.get(method)?.shift();
    return (queued ?? DEFAULTS[method](args)) as Queued<M>;
  }

  const live: Omit<LiveAdminBackend, keyof AdminBackend> = {
    putPipeline: async (...args) => next('putPipeline', args),
    rollout: (g, p, id) => (g === 'default' && p === 'main' && id === ROLLOUT.rolloutId ? ROLLOUT : undefined),
    shutdownPipeline: async (...args) => next('shutdownPipeline', args),
    shutdown: (g, p, id) => (g === 'default' && p === 'main' && id === SHUTDOWN.shutdownId ? SHUTDOWN : undefined),
    recentOperations: (limit) => [{ kind: 'rollout' as const, record: ROLLOUT }, { kind: 'shutdown' as const, record: SHUTDOWN }].slice(0, limit),
    startPipeline: async (...args) => next('startPipeline', args),
    deletePipeline: async (...args) => next('deletePipeline', args),
    createGroup: async (...args) => next('createGroup', args),
    deleteGroup: async (...args) => next('deleteGroup', args),
    shutdownEngine: async (...args) => next('shutdownEngine', args),
    reconcile: async (...args) => next('reconcile', args),
    planReconcile: (request) => ({ kind: 'dry_run', result: { deleteMissing: request.deleteMissing, pipelines: [], deleteGroups: [] } }),
    reconcileStatus: (id) => (id === RECONCILE.reconcileId ? RECONCILE : undefined),
  };

  const base: AdminBackend = {
    status: () => ({ generatedAt: T, pipelines: { 'default:main': MAIN_STATUS } }),
    pipelineStatus: (g, p) => (g === 'default' && p === 'main' ? MAIN_STATUS : undefined),
    pipeline: (g, p) => (g === 'default' && p === 'main' ? MAIN_DESCRIPTION : undefined),
    hasGroup: (g) => Object.hasOwn(CONFIG.groups, g),
    group: (g) => (Object.hasOwn(CONFIG.groups, g) ? CONFIG.groups[g] : undefined),
    committedConfig: () => CONFIG,
    exportedConfig: () => structuredClone(CONFIG) as unknown as Record<string, unknown>,
    livez: () => probe('livez', true),
    readyz: () => probe('readyz', true),
    pipelineProbe: (g, p) => g === 'default' && p === 'main',
  };
  return {
    ...base,
    ...live,
    ...overrides,
    calls,
    script(method, ...outcomes) {
      queues.set(method, [...(queues.get(method) ?? []), ...outcomes]);
    },
    reset() {
      queues.clear();
      calls.length = 0;
    },
  };
}

export { probe };
