// A NodeContext test double for driving one node in-process: it records every emitted PData, lets a test declare
// the pipeline full (tryEmit → false) or hold emit() to apply backpressure, and captures the node's log lines.
import { pino } from 'pino';
import type { NodeContext } from '../../src/pipeline/node.js';
import type { PData } from '../../src/pipeline/pdata.js';

export interface TestContext extends NodeContext {
  /** Every PData accepted by emit or tryEmit, in order. */
  readonly emitted: PData[];
  /** Errors passed to reportError. */
  readonly errors: Error[];
  /** Log lines the node wrote, parsed (pino JSON). */
  readonly logs: Record<string, unknown>[];
  /** While true, tryEmit refuses (the pipeline is full). */
  full: boolean;
  /** While set, emit() waits for this promise before accepting: backpressure from downstream. */
  gate: Promise<void> | undefined;
  /** Sum of `items` over `emitted`. */
  items(): number;
  /** Resolves once at least `n` items were emitted; rejects after `timeoutMs`. */
  waitForItems(n: number, timeoutMs?: number): Promise<void>;
}

export function createTestContext(name = 'node-under-test'): TestContext {
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const emitted: PData[] = [];
  const waiters = new Set<() => void>();
  const notify = (): void => waiters.forEach((check) => check());
  const items = (): number => emitted.reduce((sum, p) => sum + p.items, 0);

  const ctx: TestContext = {
    name,
    logger,
    emitted,
    errors: [],
    logs,
    full: false,
    gate: undefined,
    items,
    async emit(pdata: PData): Promise<void> {
      while (ctx.gate) await ctx.gate;
      emitted.push(pdata);
      notify();
    },
    tryEmit(pdata: PData): boolean {
      if (ctx.full) return false;
      emitted.push(pdata);
      notify();
      return true;
    },
    reportError(error: Error): void {
      ctx.errors.push(error);
    },
    waitForItems(n: number, timeoutMs = 10_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`waited ${timeoutMs} ms for ${n} items, got ${items()}`));
        }, timeoutMs);
        const check = (): void => {
          if (items() < n) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      });
    },
  };
  return ctx;
}
