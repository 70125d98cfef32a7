// Waiting with a bound: the runtime never waits on a node past a deadline it was given.

/** Resolves true when `work` settled before `untilMs` (epoch ms), false when the deadline or `signal` came first. */
export function settlesBefore(work: Promise<unknown>, untilMs: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (inTime: boolean) => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(inTime);
    };
    const onAbort = () => finish(false);
    if (signal?.aborted) return finish(false);
    signal?.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(() => finish(false), Math.max(0, untilMs - Date.now()));
    work.then(
      () => finish(true),
      () => finish(true),
    );
  });
}
