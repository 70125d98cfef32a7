import { describe, expect, it } from 'vitest';
import { logIllegalMoves, StateMachine, type IllegalMove } from '../../src/state/machine.js';
import { ROLLOUT_LIFECYCLE } from '../../src/state/rollout-lifecycle.js';

describe('StateMachine', () => {
  it('applies a move its table has and reports nothing', () => {
    const bugs: IllegalMove[] = [];
    const machine = new StateMachine('rollout', 'rollout-1', ROLLOUT_LIFECYCLE, 'pending', (bug) => bugs.push(bug));
    expect(machine.apply('begin')).toEqual({ kind: 'moved', from: 'pending', to: 'running' });
    expect(machine.state).toBe('running');
    expect(bugs).toEqual([]);
  });

  it('refuses a move its table lacks: the state stays, the bug is reported with who and where, nothing is thrown', () => {
    const bugs: IllegalMove[] = [];
    const machine = new StateMachine('rollout', 'rollout-1', ROLLOUT_LIFECYCLE, 'pending', (bug) => bugs.push(bug));
    machine.apply('begin');
    machine.apply('succeed');
    expect(machine.apply('roll_back')).toEqual({ kind: 'refused', from: 'succeeded', event: 'roll_back' });
    expect(machine.state).toBe('succeeded');
    expect(bugs).toEqual([{ machine: 'rollout', subject: 'rollout-1', from: 'succeeded', event: 'roll_back' }]);
  });

  it('logs a refused move as a bug, one error line naming the machine', () => {
    const lines: Array<{ fields: object; message: string }> = [];
    const report = logIllegalMoves({ error: (fields, message) => lines.push({ fields, message }) });
    const machine = new StateMachine('rollout', 'rollout-7', ROLLOUT_LIFECYCLE, 'pending', report);
    machine.apply('rollback_succeeded');
    expect(lines).toEqual([
      { fields: { machine: 'rollout', subject: 'rollout-7', from: 'pending', event: 'rollback_succeeded' }, message: 'illegal rollout transition (bug)' },
    ]);
  });
});
