// The drain walk. Each node finishes once all of its upstream nodes have: receivers stop admitting and answer what
// is in flight, then every processor empties its input and flushes, then every exporter. Independent branches go in
// parallel, so the walk is topological without waiting on unrelated nodes.
import { settlesBefore } from '../util/deadline.js';
import type { NodeRunner } from './runner.js';

export interface DrainWalk {
  /** Runners in topological order. */
  runners: readonly NodeRunner[];
  upstream: ReadonlyMap<string, readonly string[]>;
  deadlineMs: number;
  /** Aborted when the runtime gives up (deadline or stop): the walk stops waiting. */
  abandoned: AbortSignal;
  report: (node: string, error: Error) => void;
}

/** Resolves, at the latest at the deadline, with the names of the nodes that finished. */
export async function drainInOrder(walk: DrainWalk): Promise<Set<string>> {
  const finished = new Set<string>();
  const done = new Map<string, Promise<void>>();
  const finishAfter = async (runner: NodeRunner, upstream: (Promise<void> | undefined)[]): Promise<void> => {
    await Promise.all(upstream);
    if (walk.abandoned.aborted) return;
    try {
      await runner.finish(walk.deadlineMs);
    } catch (error) {
      // Errors after giving up are echoes of aborted channels, already counted as dropped.
      if (walk.abandoned.aborted) return;
      walk.report(runner.name, error instanceof Error ? error : new Error(String(error)));
    }
    finished.add(runner.name);
  };
  for (const runner of walk.runners) {
    const upstream = (walk.upstream.get(runner.name) ?? []).map((name) => done.get(name));
    done.set(runner.name, finishAfter(runner, upstream));
  }
  await settlesBefore(Promise.all(done.values()), walk.deadlineMs, walk.abandoned);
  // A copy: nodes finishing after the deadline must not change the answer.
  return new Set(finished);
}
