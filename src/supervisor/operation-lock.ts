// One operation (rollout or shutdown) per pipeline at a time; different pipelines proceed concurrently.
export interface OperationRef {
  type: 'rollout' | 'shutdown';
  id: string;
}

export class OperationLock {
  private readonly held = new Map<string, OperationRef>();

  holder(pipelineKey: string): OperationRef | undefined {
    return this.held.get(pipelineKey);
  }

  /** Takes the lock; false when another operation holds it. */
  acquire(pipelineKey: string, operation: OperationRef): boolean {
    if (this.held.has(pipelineKey)) return false;
    this.held.set(pipelineKey, operation);
    return true;
  }

  release(pipelineKey: string, operation: OperationRef): void {
    if (this.held.get(pipelineKey)?.id === operation.id) this.held.delete(pipelineKey);
  }
}

/** Resolves 'done' when `work` settles, or 'timeout' after `seconds`; the work goes on either way. */
export async function waitAtMost(work: Promise<unknown>, seconds: number): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), seconds * 1000)));
  try {
    return await Promise.race([work.then(() => 'done' as const, () => 'done' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
