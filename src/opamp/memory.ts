// What an OpAMP agent keeps across a restart when the engine has a state dir: the instance uid it generated (or that its
// server gave it), so that the server sees the same agent come back, and the last remote config it finished, so that
// the same config is not applied a second time after a restart. Written through the state dir's one writer.
import type { PersistedOpampAgent } from '../state/persisted-state.js';
import type { StateStore } from '../state/state-store.js';

export interface AgentMemory {
  /** What a previous run of this agent kept (nothing without a state dir). */
  readonly remembered: PersistedOpampAgent;
  remember(change: PersistedOpampAgent): void;
}

const FORGETFUL: AgentMemory = { remembered: {}, remember: () => undefined };

export function agentMemory(store: StateStore | undefined, name: string): AgentMemory {
  if (store?.current === undefined) return FORGETFUL;
  return {
    remembered: structuredClone(store.current.opamp[name] ?? {}),
    // A failed write is logged by whoever waits on it; the agent goes on (it would only forget this across a restart).
    remember: (change) =>
      void store.update((state) => {
        state.opamp[name] = { ...state.opamp[name], ...change };
      }),
  };
}
