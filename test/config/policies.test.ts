import { describe, expect, it } from 'vitest';
import { resolvePolicies } from '../../src/config/policies.js';
import { doc, errorsOf, P, pipeline, validOf } from './helpers.js';

const DEFAULTS = {
  coreAllocation: { type: 'all_cores' },
  channelCapacity: { pdata: 128 },
  health: { liveIf: ['Pending', 'Starting', 'Running', 'Updating', 'RollingBack', 'Draining', 'Stopped', 'Rejected', 'Failed', 'Deleting'], readyIf: ['Running', 'Updating'], liveQuorum: { AtLeast: 1 }, readyQuorum: { Percent: 100 } },
  runtimeRecovery: {
    enabled: true,
    maxRestarts: 5,
    initialBackoffMs: 250,
    maxBackoffMs: 30_000,
    startupTimeoutMs: 30_000,
    resetAfterMs: 60_000,
  },
};

describe('resolvePolicies', () => {
  it('gives the built-in defaults when nothing is set', () => {
    expect(resolvePolicies({ top: undefined, group: undefined, pipeline: undefined })).toEqual({
      policies: DEFAULTS,
      coreAllocationScope: 'default',
    });
  });
  it('takes each family from the most specific scope that sets it', () => {
    const { policies, coreAllocationScope } = resolvePolicies({
      top: { channel_capacity: { pdata: 64 }, health: { ready_quorum: { Percent: 10 } } },
      group: { channel_capacity: { pdata: 32 }, resources: { core_allocation: { type: 'core_count', count: 1 } } },
      pipeline: { runtime_recovery: { max_restarts: 1 } },
    });
    expect(policies.channelCapacity.pdata).toBe(32);
    expect(policies.health.readyQuorum).toEqual({ Percent: 10 });
    expect(policies.coreAllocation).toEqual({ type: 'core_count', count: 1 });
    expect(coreAllocationScope).toBe('group');
    expect(policies.runtimeRecovery.maxRestarts).toBe(1);
  });
  it('replaces a family as a whole: omitted fields take defaults, not the outer scope', () => {
    const { policies } = resolvePolicies({
      top: undefined,
      group: { runtime_recovery: { max_restarts: 9, initial_backoff: '1s', max_backoff: '5m' } },
      pipeline: { runtime_recovery: { initial_backoff: '100ms' } },
    });
    expect(policies.runtimeRecovery).toEqual({ ...DEFAULTS.runtimeRecovery, initialBackoffMs: 100 });
  });
});

describe('policies in a document', () => {
  it('resolves pipeline > group > top level', () => {
    const raw = {
      version: 'otel_dataflow/v1',
      policies: { channel_capacity: { pdata: 10 }, health: { ready_quorum: { Percent: 75 } } },
      groups: {
        g: {
          policies: { channel_capacity: { pdata: 20 } },
          pipelines: { a: pipeline(), b: pipeline({ policies: { channel_capacity: { pdata: 30 } } }) },
        },
        h: { pipelines: { c: pipeline() } },
      },
    };
    const capacities = validOf(raw).pipelines.map((p) => [p.group, p.pipeline, p.policies.channelCapacity.pdata, p.policies.health.readyQuorum]);
    expect(capacities).toEqual([
      ['g', 'a', 20, { Percent: 75 }],
      ['g', 'b', 30, { Percent: 75 }],
      ['h', 'c', 10, { Percent: 75 }],
    ]);
  });
  it('reports an unmet allocation against each pipeline that inherits it', () => {
    const raw = {
      version: 'otel_dataflow/v1',
      policies: { resources: { core_allocation: { type: 'core_count', count: 64 } } },
      groups: { default: { pipelines: { main: pipeline(), other: pipeline() } } },
    };
    const errors = errorsOf(raw);
    expect(errors.map((e) => [e.path, e.code])).toEqual([
      [`${P}.policies.resources.core_allocation`, 'CoreAllocationUnmet'],
      ['groups.default.pipelines.other.policies.resources.core_allocation', 'CoreAllocationUnmet'],
    ]);
    expect(errors[0]?.message).toContain('default/main');
    expect(errors[0]?.message).toContain('inherited from policies.resources.core_allocation');
  });
  it('resolves cores against the available ones', () => {
    const at = (core_allocation: unknown) => doc({ main: pipeline({ policies: { resources: { core_allocation } } }) });
    expect(validOf(at({ type: 'all_cores' }), [2, 3, 5]).pipelines[0]?.cores).toEqual([2, 3, 5]);
    expect(validOf(at({ type: 'core_count', count: 2 }), [2, 3, 5]).pipelines[0]?.cores).toEqual([2, 3]);
    expect(validOf(at({ type: 'core_set', set: [{ start: 5, end: 5 }, { start: 2, end: 2 }] }), [2, 3, 5]).pipelines[0]?.cores).toEqual([2, 5]);
  });
});
