// One operation per pipeline at a time; different pipelines proceed concurrently. An operation on more than one
// pipeline holds a wider scope instead: a group delete its group, a reconcile the whole engine. While a scope is held,
// every pipeline inside it answers busy with that operation, pipelines not yet created included (a PUT into a group
// being deleted must not slip in).
export interface OperationRef {
  type: 'rollout' | 'shutdown' | 'delete' | 'reconcile';
  id: string;
}

export type LockScope = { kind: 'engine' } | { kind: 'group'; group: string };

export class OperationLock {
  private readonly held = new Map<string, OperationRef>();
  private engine: OperationRef | undefined;
  private readonly groups = new Map<string, OperationRef>();

  /** What holds pipeline `pipelineKey` (`group:pipeline`): a scope around it first, else its own operation. */
  holder(pipelineKey: string): OperationRef | undefined {
    const group = pipelineKey.slice(0, pipelineKey.indexOf(':'));
    return this.engine ?? this.groups.get(group) ?? this.held.get(pipelineKey);
  }

  /** What holds a scope, or any part of it, other than the pipelines' own operations. */
  scopeHolder(scope: LockScope): OperationRef | undefined {
    if (this.engine) return this.engine;
    if (scope.kind === 'group') return this.groups.get(scope.group);
    return this.groups.values().next().value;
  }

  /**
   * Takes the lock of one pipeline; false when another operation holds it. An operation holding a scope takes the
   * locks of the pipelines it works on too, so that their own records show while it runs.
   */
  acquire(pipelineKey: string, operation: OperationRef): boolean {
    if (this.held.has(pipelineKey)) return false;
    this.held.set(pipelineKey, operation);
    return true;
  }

  release(pipelineKey: string, operation: OperationRef): void {
    if (this.held.get(pipelineKey)?.id === operation.id) this.held.delete(pipelineKey);
  }

  /** Takes a scope; false when it, or a scope overlapping it, is held. The caller has checked its pipelines are free. */
  acquireScope(scope: LockScope, operation: OperationRef): boolean {
    if (this.scopeHolder(scope)) return false;
    if (scope.kind === 'engine') this.engine = operation;
    else this.groups.set(scope.group, operation);
    return true;
  }

  releaseScope(scope: LockScope, operation: OperationRef): void {
    if (scope.kind === 'engine') {
      if (this.engine?.id === operation.id) this.engine = undefined;
    } else if (this.groups.get(scope.group)?.id === operation.id) {
      this.groups.delete(scope.group);
    }
  }
}

/** Past a drain deadline, how long killing the instances that did not make it may take. */
export const KILL_GRACE_SECS = 5;

/**
 * How long to wait for a drain that ends by its deadline at the latest (its instances are killed then): a wait as long
 * as the drain window also covers the kill, so that it reports how the drain ended rather than that it goes on.
 */
export function drainWaitSecs(waitSecs: number, drainSecs: number): number {
  return drainSecs <= waitSecs ? waitSecs + KILL_GRACE_SECS : waitSecs;
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
