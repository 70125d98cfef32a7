// Restart intensity as Erlang/OTP supervisors count it: a sliding window of monotonic timestamps. Over the limit is a
// visible condition (the core is failed), never endless flapping.
import type { ResolvedPolicies } from '../config/effective.js';

type RecoveryPolicy = ResolvedPolicies['runtimeRecovery'];

export type RestartDecision =
  | { kind: 'restart'; delayMs: number; attempt: number }
  | { kind: 'give_up'; reason: string }
  | { kind: 'disabled' };

export class RestartWindow {
  private readonly restarts: number[] = [];

  constructor(private readonly policy: RecoveryPolicy) {}

  /** Records a crash at monotonic time `nowMs` and decides what to do about it. */
  onCrash(nowMs: number): RestartDecision {
    if (!this.policy.enabled) return { kind: 'disabled' };
    this.forgetBefore(nowMs - this.policy.resetAfterMs);
    if (this.restarts.length >= this.policy.maxRestarts) {
      return {
        kind: 'give_up',
        reason: `more than ${this.policy.maxRestarts} restarts within ${this.policy.resetAfterMs / 1000}s`,
      };
    }
    this.restarts.push(nowMs);
    const attempt = this.restarts.length;
    const delayMs = Math.min(this.policy.initialBackoffMs * 2 ** (attempt - 1), this.policy.maxBackoffMs);
    return { kind: 'restart', delayMs, attempt };
  }

  get recentRestarts(): number {
    return this.restarts.length;
  }

  private forgetBefore(cutoff: number): void {
    while (this.restarts.length > 0 && (this.restarts[0] as number) < cutoff) this.restarts.shift();
  }
}
