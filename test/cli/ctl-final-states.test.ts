// `ctl --watch` stops at an operation's final state. ctl carries its own list (it loads nothing of the engine), so
// this holds the list to the engine's transition tables: a final state is one with no move out of it.
import { describe, expect, it } from 'vitest';
import { RECONCILE_FINAL, ROLLOUT_FINAL, SHUTDOWN_FINAL } from '../../src/cli/ctl/records.js';
import { RECONCILE_LIFECYCLE } from '../../src/state/reconcile-lifecycle.js';
import { ROLLOUT_LIFECYCLE } from '../../src/state/rollout-lifecycle.js';
import { SHUTDOWN_LIFECYCLE } from '../../src/state/shutdown-lifecycle.js';

function finalStates(table: Record<string, object>): string[] {
  return Object.entries(table)
    .filter(([, moves]) => Object.keys(moves).length === 0)
    .map(([state]) => state)
    .sort();
}

describe('ctl knows which operation states are final', () => {
  it.each([
    ['rollout', ROLLOUT_FINAL, ROLLOUT_LIFECYCLE],
    ['shutdown', SHUTDOWN_FINAL, SHUTDOWN_LIFECYCLE],
    ['reconcile', RECONCILE_FINAL, RECONCILE_LIFECYCLE],
  ] as const)('%s: the same states as the engine’s table', (_kind, ctlList, table) => {
    expect([...ctlList].sort()).toEqual(finalStates(table));
  });
});
