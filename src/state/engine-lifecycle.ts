// The engine's own lifecycle, as the runtime manager keeps it: while it boots, every pipeline is busy with the boot (an
// operation would race a first start); once it drains for good, every pipeline is busy with that. Its one writer is the
// runtime manager.
import type { TransitionTable } from './machine.js';

export type EngineState =
  /** Created, boot not begun: operations proceed (nothing runs that they could race). */
  | 'idle'
  | 'booting'
  | 'serving'
  /** Draining for good (SIGTERM): nothing new starts. */
  | 'closing';

export type EngineEvent = 'boot_started' | 'boot_ended' | 'drain_started';

export const ENGINE_LIFECYCLE: TransitionTable<EngineState, EngineEvent> = {
  idle: { boot_started: 'booting', drain_started: 'closing' },
  booting: { boot_ended: 'serving', drain_started: 'closing' },
  serving: { drain_started: 'closing' },
  // A signal during the boot: the boot still ends, and the engine stays closing.
  closing: { boot_ended: 'closing', drain_started: 'closing' },
};
