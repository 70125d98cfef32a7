// Stopping nodes: receivers first (no new data), then processors, then exporters (last to let go of the peers), each
// kind in parallel, all bounded by one deadline.
import { settlesBefore } from '../util/deadline.js';
import type { NodeRunner } from './runner.js';

/** Returns the nodes whose `stop()` had not settled by `untilMs` (epoch ms). */
export async function stopInOrder(
  runners: readonly NodeRunner[],
  untilMs: number,
  report: (node: string, error: Error) => void,
): Promise<string[]> {
  const unstopped: string[] = [];
  for (const kind of ['receiver', 'processor', 'exporter'] as const) {
    const group = runners.filter((r) => r.kind === kind);
    const settled = new Set<string>();
    const stops = group.map((r) =>
      r.stop().then(
        () => settled.add(r.name),
        (error: unknown) => {
          settled.add(r.name);
          report(r.name, error instanceof Error ? error : new Error(String(error)));
        },
      ),
    );
    await settlesBefore(Promise.all(stops), untilMs);
    unstopped.push(...group.filter((r) => !settled.has(r.name)).map((r) => r.name));
  }
  return unstopped;
}
