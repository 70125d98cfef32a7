// Conditions in the Kubernetes style: `lastTransitionTime` changes only when the status flips, not on every read.
import type { Condition } from './status-types.js';
import { isoNow } from '../util/time.js';

export class ConditionTracker {
  private readonly last = new Map<string, Condition>();

  observe(type: string, status: Condition['status'], reason: string, message?: string): Condition {
    const previous = this.last.get(type);
    const lastTransitionTime = previous && previous.status === status ? previous.lastTransitionTime : isoNow();
    const current: Condition = { type, status, reason, ...(message !== undefined ? { message } : {}), lastTransitionTime };
    this.last.set(type, current);
    return current;
  }
}
