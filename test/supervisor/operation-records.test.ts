// Records apply the rollout and shutdown tables: the status follows legal moves, and an illegal one changes nothing
// and is reported as a bug instead of being thrown at the executor.
import { describe, expect, it } from 'vitest';
import type { IllegalMove } from '../../src/state/machine.js';
import { RolloutRecord, ShutdownRecord } from '../../src/supervisor/operation-records.js';

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
});

describe('ShutdownRecord', () => {
  it('ends each core once; a second end of a core is a bug', () => {
    const bugs: IllegalMove[] = [];
    const record = new ShutdownRecord('shutdown-1', 'default', 'main', (bug) => bugs.push(bug));
    record.move('begin');
    record.addCore(1, 3);
    record.addCore(0, 3);
    expect(record.moveCore(0, 'drain_forced')).toBe(true);
    expect(record.moveCore(0, 'drain_ended')).toBe(false);
    record.move('time_out', 'cores 0 did not drain within 1s and were killed');
    expect(record.status).toMatchObject({
      state: 'timeout',
      cores: [
        { coreId: 0, deploymentGeneration: 3, state: 'forced' },
        { coreId: 1, deploymentGeneration: 3, state: 'draining' },
      ],
    });
    expect(bugs).toEqual([{ machine: 'shutdown core', subject: 'shutdown-1 core 0', from: 'forced', event: 'drain_ended' }]);
  });
});
