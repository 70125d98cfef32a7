// Policies resolve pipeline > group > top level one family at a time (resources, channel_capacity, health,
// runtime_recovery): the most specific scope that names a family supplies all of it, and fields it leaves out take
// the built-in defaults, never the outer scope's values. Mixing scopes inside a family would make a pipeline's
// behaviour depend on fields written far away from it.
import type { ResolvedHealth, ResolvedPolicies } from './effective.js';
import type { CoreAllocation, Policies, RuntimeRecoveryPolicy } from './types.js';
import { parseDuration } from './duration.js';

export type PolicyScope = 'pipeline' | 'group' | 'top' | 'default';

export interface PolicyLayers {
  top: Policies | undefined;
  group: Policies | undefined;
  pipeline: Policies | undefined;
}

export const DEFAULT_CORE_ALLOCATION: CoreAllocation = { type: 'all_cores' };
export const DEFAULT_CHANNEL_CAPACITY = 128;
/** Upstream's defaults: live in every phase but deleted with one core, ready when every core runs. */
export const DEFAULT_HEALTH: Readonly<ResolvedHealth> = Object.freeze<ResolvedHealth>({
  liveIf: ['Pending', 'Starting', 'Running', 'Updating', 'RollingBack', 'Draining', 'Stopped', 'Rejected', 'Failed', 'Deleting'],
  readyIf: ['Running', 'Updating'],
  liveQuorum: { AtLeast: 1 },
  readyQuorum: { Percent: 100 },
});
export const DEFAULT_RUNTIME_RECOVERY: Readonly<RuntimeRecoveryPolicy> = Object.freeze({
  enabled: true,
  max_restarts: 5,
  initial_backoff: '250ms',
  max_backoff: '30s',
  startup_timeout: '30s',
  reset_after: '60s',
});

export interface PolicyResolution {
  policies: ResolvedPolicies;
  /** Which scope the core allocation came from, so an unmet allocation can say where it was written. */
  coreAllocationScope: PolicyScope;
}

function pick<K extends keyof Policies>(family: K, layers: PolicyLayers): { value: Policies[K]; scope: PolicyScope } {
  for (const scope of ['pipeline', 'group', 'top'] as const) {
    const value = layers[scope]?.[family];
    if (value !== undefined) return { value, scope };
  }
  return { value: undefined, scope: 'default' };
}

export function resolvePolicies(layers: PolicyLayers): PolicyResolution {
  const resources = pick('resources', layers);
  const coreAllocation = resources.value?.core_allocation;
  const recovery = { ...DEFAULT_RUNTIME_RECOVERY, ...pick('runtime_recovery', layers).value };
  return {
    policies: {
      coreAllocation: coreAllocation ?? DEFAULT_CORE_ALLOCATION,
      channelCapacity: { pdata: pick('channel_capacity', layers).value?.pdata ?? DEFAULT_CHANNEL_CAPACITY },
      health: resolveHealth(pick('health', layers).value),
      runtimeRecovery: {
        enabled: recovery.enabled,
        maxRestarts: recovery.max_restarts,
        initialBackoffMs: parseDuration(recovery.initial_backoff),
        maxBackoffMs: parseDuration(recovery.max_backoff),
        startupTimeoutMs: parseDuration(recovery.startup_timeout),
        resetAfterMs: parseDuration(recovery.reset_after),
      },
    },
    coreAllocationScope: coreAllocation === undefined ? 'default' : resources.scope,
  };
}

function resolveHealth(health: Policies['health']): ResolvedHealth {
  return {
    liveIf: [...(health?.live_if ?? DEFAULT_HEALTH.liveIf)],
    readyIf: [...(health?.ready_if ?? DEFAULT_HEALTH.readyIf)],
    liveQuorum: { ...(health?.live_quorum ?? DEFAULT_HEALTH.liveQuorum) },
    readyQuorum: { ...(health?.ready_quorum ?? DEFAULT_HEALTH.readyQuorum) },
  };
}
