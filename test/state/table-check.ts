// Checks a transition table against the moves a test lists: every listed move is made, every other pair of state and
// event is refused, and the table has exactly the states listed (a state added without tests shows up here).
import { describe, expect, it } from 'vitest';
import { move, type TransitionTable } from '../../src/state/machine.js';

export function checkTable<S extends string, E extends string>(
  name: string,
  table: TransitionTable<S, E>,
  states: readonly S[],
  events: readonly E[],
  legal: ReadonlyArray<readonly [S, E, S]>,
): void {
  describe(name, () => {
    it('has exactly the states listed', () => {
      expect(Object.keys(table).sort()).toEqual([...states].sort());
    });

    it('lists each move once', () => {
      const keys = legal.map(([from, event]) => `${from} ${event}`);
      expect(new Set(keys).size).toBe(keys.length);
    });

    it.each(legal.map(([from, event, to]) => [from, event, to]))('%s --%s--> %s', (from, event, to) => {
      expect(move(table, from as S, event as E)).toEqual({ kind: 'moved', from, to });
    });

    const allowed = new Set(legal.map(([from, event]) => `${from} ${event}`));
    const refused = states.flatMap((from) => events.filter((event) => !allowed.has(`${from} ${event}`)).map((event) => [from, event]));
    if (refused.length > 0) {
      it.each(refused)('refuses %s on %s', (from, event) => {
        expect(move(table, from as S, event as E)).toEqual({ kind: 'refused', from, event });
      });
    }
  });
}
