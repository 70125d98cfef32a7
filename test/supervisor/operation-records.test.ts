// Records apply the rollout and shutdown tables in upstream's state names: the status follows legal moves, and an
// illegal one changes nothing and is reported as a bug instead of being thrown at the executor. The operation lock's
// scopes hold every pipeline inside them, pipelines not yet created included.
import { describe, expect, it } from 'vitest';
import type { IllegalMove } from '../../src/state/machine.js';
import { RolloutRecord, ShutdownRecord } from '../../src/supervisor/operation-records.js';
import { OperationLock, drainWaitSecs } from '../../src/supervisor/operation-lock.js';

function rollout() {
  const bugs: IllegalMove[] = [];
  return { record: new RolloutRecord('rollout-1', 'default', 'main', 'replace', 2, 1, (bug) => bugs.push(bug)), bugs };
}

describe('RolloutRecord', () => {
  it('follows a core through a replace, with the failure reason and details where they were given', () => {
    const { record, bugs } = rollout();
    record.move('begin');
    record.addCore(0, 1);
    for (const event of ['launch', 'ready', 'switch', 'drain_old'] as const) record.moveCore(0, event);
    record.moveCore(0, 'retire', 'the old instance did not drain within 1s and was killed');
    record.move('succeed');
    expect(record.status).toMatchObject({
      state: 'succeeded',
      previousGeneration: 1,
      cores: [{ coreId: 0, previousGeneration: 1, targetGeneration: 2, state: 'retired', detail: 'the old instance did not drain within 1s and was killed' }],
    });
    expect(record.finished).toBe(true);
    expect(bugs).toEqual([]);
  });

  it('refuses an illegal move of the operation or of a core: the status stays, the bug is reported', () => {
    const { record, bugs } = rollout();
    record.move('begin');
    record.addCore(1);
    expect(record.moveCore(1, 'switch')).toBe(false);
    expect(record.moveCore(7, 'launch')).toBe(false);
    expect(record.move('rollback_succeeded', 'not rolling back')).toBe(false);
    expect(record.status).toMatchObject({ state: 'running', cores: [{ coreId: 1, state: 'pending' }] });
    expect(record.status.failureReason).toBeUndefined();
    expect(record.finished).toBe(false);
    expect(bugs).toEqual([
      { machine: 'rollout core', subject: 'rollout-1 core 1', from: 'pending', event: 'switch' },
      { machine: 'rollout core', subject: 'rollout-1 core 7', from: 'absent', event: 'launch' },
      { machine: 'rollout', subject: 'rollout-1', from: 'running', event: 'rollback_succeeded' },
    ]);
  });

  it('shows a rollback that restored the old generation as failed, keeping the reason; its cores say rolled_back', () => {
    const { record, bugs } = rollout();
    record.move('begin');
    record.addCore(0, 1);
    for (const event of ['launch', 'ready', 'switch', 'drain_old', 'retire', 'roll_back'] as const) record.moveCore(0, event);
    record.move('roll_back', 'core 1: not ready');
    expect(record.finished).toBe(false);
    record.moveCore(0, 'rolled_back');
    expect(record.move('rollback_succeeded')).toBe(true);
    expect(record.status).toMatchObject({ state: 'failed', failureReason: 'core 1: not ready', cores: [{ coreId: 0, state: 'rolled_back' }] });
    expect(record.finished).toBe(true);
    expect(bugs).toEqual([]);
  });
});

function shutdown(initiator?: 'admin_api' | 'dfctl') {
  const bugs: IllegalMove[] = [];
  return { record: new ShutdownRecord('shutdown-1', 'g', 'p', (bug) => bugs.push(bug), initiator), bugs };
}

describe('ShutdownRecord', () => {
  it('records the initiator only when there is one', () => {
    expect(shutdown('dfctl').record.status.initiator).toBe('dfctl');
    expect('initiator' in shutdown().record.status).toBe(false);
  });

  it("ends succeeded when every core drained, each core exited with detail 'drained'", () => {
    const { record, bugs } = shutdown('admin_api');
    record.move('begin');
    record.addCore(0, 3);
    record.addCore(1, 3);
    expect(record.status.state).toBe('running');
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
    expect(record.finished).toBe(true);
    expect(bugs).toEqual([]);
  });

  it('ends failed, naming each core, when one was killed at the deadline or exited with an error', () => {
    const { record, bugs } = shutdown();
    record.move('begin');
    for (const core of [0, 1, 2]) record.addCore(core, 1);
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
    expect(bugs).toEqual([]);
  });

  it('ends each core once; a second end of a core is a bug', () => {
    const { record, bugs } = shutdown();
    record.move('begin');
    record.addCore(1, 3);
    record.addCore(0, 3);
    expect(record.moveCore(0, 'drain_forced', 'did not drain within 1s and was killed')).toBe(true);
    expect(record.moveCore(0, 'drain_ended', 'drained')).toBe(false);
    expect(record.status).toMatchObject({
      state: 'running',
      cores: [
        { coreId: 0, deploymentGeneration: 3, state: 'failed', detail: 'did not drain within 1s and was killed' },
        { coreId: 1, deploymentGeneration: 3, state: 'shutdown_requested' },
      ],
    });
    expect(bugs).toEqual([{ machine: 'shutdown core', subject: 'shutdown-1 core 0', from: 'failed', event: 'drain_ended' }]);
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
