// The operation records show upstream's states whatever words the executors use, and the operation lock's scopes hold
// every pipeline inside them, pipelines not yet created included.
import { describe, expect, it } from 'vitest';
import { RolloutRecord, ShutdownRecord } from '../../src/supervisor/operation-records.js';
import { OperationLock, drainWaitSecs } from '../../src/supervisor/operation-lock.js';

describe('RolloutRecord', () => {
  it('shows a rollback that restored the old generation as failed, keeping the reason', () => {
    const record = new RolloutRecord('rollout-1', 'g', 'p', 'replace', 2, 1);
    record.setState('running');
    record.core(0, 'rolled_back');
    record.setState('rolling_back', 'core 1: not ready');
    expect(record.finished).toBe(false);
    record.setState('rolled_back');
    expect(record.status).toMatchObject({ state: 'failed', failureReason: 'core 1: not ready', cores: [{ coreId: 0, state: 'rolled_back' }] });
    expect(record.finished).toBe(true);
  });
});

describe('ShutdownRecord', () => {
  it('records the initiator only when there is one', () => {
    expect(new ShutdownRecord('s-1', 'g', 'p', 'dfctl').status.initiator).toBe('dfctl');
    expect('initiator' in new ShutdownRecord('s-2', 'g', 'p').status).toBe(false);
  });

  it("ends succeeded when every core drained, each core exited with detail 'drained'", () => {
    const record = new ShutdownRecord('s-1', 'g', 'p', 'admin_api');
    record.requested(0, 3);
    record.requested(1, 3);
    expect(record.status.cores.map((c) => c.state)).toEqual(['shutdown_requested', 'shutdown_requested']);
    record.finish(
      [
        { coreId: 0, deploymentGeneration: 3, state: 'drained' },
        { coreId: 1, deploymentGeneration: 3, state: 'drained' },
      ],
      60,
    );
    expect(record.status.state).toBe('succeeded');
    expect(record.status.failureReason).toBeUndefined();
    expect(record.status.cores.map((c) => [c.state, c.detail])).toEqual([
      ['exited', 'drained'],
      ['exited', 'drained'],
    ]);
  });

  it('ends failed, naming each core, when one was killed at the deadline or exited with an error', () => {
    const record = new ShutdownRecord('s-1', 'g', 'p');
    for (const core of [0, 1, 2]) record.requested(core, 1);
    record.finish(
      [
        { coreId: 0, deploymentGeneration: 1, state: 'forced' },
        { coreId: 1, deploymentGeneration: 1, state: 'drained' },
        { coreId: 2, deploymentGeneration: 1, state: 'failed' },
        // A core the shutdown did not ask to drain (nothing served there) is not added to the record.
        { coreId: 3, deploymentGeneration: 1, state: 'forced' },
      ],
      5,
    );
    expect(record.status.state).toBe('failed');
    expect(record.status.failureReason).toBe('core 0 did not drain within 5s and was killed; core 2 exited with an error while draining');
    expect(record.status.cores.map((c) => [c.coreId, c.state, c.detail])).toEqual([
      [0, 'failed', 'did not drain within 5s and was killed'],
      [1, 'exited', 'drained'],
      [2, 'failed', 'exited with an error while draining'],
    ]);
  });
});

describe('OperationLock', () => {
  const rollout = { type: 'rollout', id: 'rollout-1' } as const;
  const del = { type: 'delete', id: 'delete-2' } as const;
  const reconcile = { type: 'reconcile', id: 'reconcile-3' } as const;

  it('holds one operation per pipeline', () => {
    const lock = new OperationLock();
    expect(lock.acquire('g:p', rollout)).toBe(true);
    expect(lock.acquire('g:p', del)).toBe(false);
    expect(lock.holder('g:p')).toEqual(rollout);
    expect(lock.holder('g:q')).toBeUndefined();
    lock.release('g:p', del);
    expect(lock.holder('g:p')).toEqual(rollout);
    lock.release('g:p', rollout);
    expect(lock.holder('g:p')).toBeUndefined();
  });

  it('a group scope holds every pipeline of the group, new ones too, and nothing outside it', () => {
    const lock = new OperationLock();
    lock.acquire('g:p', rollout);
    expect(lock.acquireScope({ kind: 'group', group: 'g' }, del)).toBe(true);
    expect(lock.holder('g:p')).toEqual(del);
    expect(lock.holder('g:new')).toEqual(del);
    expect(lock.holder('other:p')).toBeUndefined();
    expect(lock.acquireScope({ kind: 'group', group: 'g' }, reconcile)).toBe(false);
    expect(lock.acquireScope({ kind: 'engine' }, reconcile)).toBe(false);
    lock.releaseScope({ kind: 'group', group: 'g' }, del);
    expect(lock.holder('g:p')).toEqual(rollout);
  });

  it('the engine scope holds every pipeline and every group', () => {
    const lock = new OperationLock();
    expect(lock.acquireScope({ kind: 'engine' }, reconcile)).toBe(true);
    expect(lock.holder('any:thing')).toEqual(reconcile);
    expect(lock.scopeHolder({ kind: 'group', group: 'g' })).toEqual(reconcile);
    expect(lock.acquireScope({ kind: 'group', group: 'g' }, del)).toBe(false);
    lock.releaseScope({ kind: 'engine' }, del);
    expect(lock.holder('any:thing')).toEqual(reconcile);
    lock.releaseScope({ kind: 'engine' }, reconcile);
    expect(lock.holder('any:thing')).toBeUndefined();
  });
});

describe('drainWaitSecs', () => {
  it('covers the kill after a drain window as long as the wait, and only then', () => {
    expect(drainWaitSecs(10, 10)).toBeGreaterThan(10);
    expect(drainWaitSecs(10, 3)).toBeGreaterThan(10);
    expect(drainWaitSecs(10, 30)).toBe(10);
  });
});
