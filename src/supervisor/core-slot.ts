// What the supervisor keeps per core of a pipeline: the instance that serves it, one being started beside it, the old
// ones draining, and the recovery state of the core. Durable state (restarts, events) belongs to the core, not to an
// instance, so it outlives every instance that serves it.
import type { ConditionTracker } from '../state/conditions.js';
import type { CoreEvent } from '../state/status-types.js';
import type { InstanceProcess } from './instance-process.js';
import type { RestartWindow } from './restart-window.js';

export interface CoreSlot {
  core: number;
  /** The instance that serves this core (or is being restarted by recovery). */
  current: InstanceProcess | null;
  /** A new instance being started by an operation, not serving yet. */
  incoming: InstanceProcess | null;
  /** Old instances finishing their work after a cutover. */
  draining: Set<InstanceProcess>;
  window: RestartWindow;
  restarts: number;
  events: CoreEvent[];
  restartTimer: NodeJS.Timeout | null;
  gaveUp: string | null;
  conditions: ConditionTracker;
}
