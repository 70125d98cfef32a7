// "The server should hear this now": the session raises it when a report changes between heartbeats (a remote config
// status); a transport waiting for its next heartbeat wakes up for it. Level-triggered: one pending flag, no queue.

export class ChangeSignal {
  private pending = false;
  private waiter: (() => void) | null = null;

  notify(): void {
    this.pending = true;
    this.waiter?.();
  }

  /** Forgets what was raised: called just before composing a message, which carries every report as it stands. */
  clear(): void {
    this.pending = false;
  }

  /** Resolves after `ms`, at once when a change is pending, as soon as one is raised, or when `signal` aborts. */
  wait(ms: number, signal: AbortSignal): Promise<'changed' | 'elapsed' | 'aborted'> {
    if (signal.aborted) return Promise.resolve('aborted');
    if (this.pending) return Promise.resolve('changed');
    return new Promise((resolve) => {
      const finish = (how: 'changed' | 'elapsed' | 'aborted') => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiter = null;
        resolve(how);
      };
      const onAbort = () => finish('aborted');
      const timer = setTimeout(() => finish('elapsed'), ms);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiter = () => finish('changed');
    });
  }
}
