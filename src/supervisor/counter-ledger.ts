// Node counters across instance lifetimes. An instance reports cumulative counters (heartbeats, and its final ones when
// drained); when it exits, what it last reported is folded into its pipeline's retired totals. So a pipeline's totals
// never go back when a generation is retired, a core is resized away, or a crashed instance is replaced.
import type { NodeCounters } from '../ipc/messages.js';
import type { InstanceProcess } from './instance-process.js';

/** The cumulative fields of NodeCounters (queue depth is a level, throughput has its own shape). */
export type CumulativeCounter = Exclude<{ [K in keyof NodeCounters]-?: NodeCounters[K] extends number | undefined ? K : never }[keyof NodeCounters], 'queueDepth'>;

export const CUMULATIVE_COUNTERS: readonly CumulativeCounter[] = [
  'itemsReceived',
  'itemsSent',
  'itemsRefused',
  'itemsDropped',
  'itemsFailed',
  'bytesReceived',
  'bytesSent',
  'bytesRefused',
  'bytesDropped',
  'bytesFailed',
  'requestsUnauthorized',
];

export type CounterTotals = Record<CumulativeCounter, number>;

export function zeroTotals(): CounterTotals {
  return Object.fromEntries(CUMULATIVE_COUNTERS.map((field) => [field, 0])) as CounterTotals;
}

function addInto(totals: CounterTotals, counters: NodeCounters): void {
  for (const field of CUMULATIVE_COUNTERS) totals[field] += counters[field] ?? 0;
}

export class CounterLedger {
  private readonly live = new Set<InstanceProcess>();
  /** pipeline key (`group:pipeline`) → node → totals of instances that have exited. */
  private readonly retired = new Map<string, Map<string, CounterTotals>>();

  /** Follows an instance from its creation: its counters are live until it exits, then retired. */
  watch(instance: InstanceProcess): void {
    this.live.add(instance);
    // The exit promise, not the 'exit' event: runners re-wire that event's listeners at every cutover.
    void instance.whenExited().then(() => this.retire(instance));
  }

  liveInstances(): ReadonlySet<InstanceProcess> {
    return this.live;
  }

  /** A deleted pipeline's history goes with it. */
  forget(pipelineKey: string): void {
    this.retired.delete(pipelineKey);
  }

  /** pipeline key → node → totals over every instance the pipeline ever had. */
  totals(): Map<string, Map<string, CounterTotals>> {
    const out = new Map<string, Map<string, CounterTotals>>();
    const nodesOf = (key: string) => out.get(key) ?? out.set(key, new Map()).get(key)!;
    for (const [key, nodes] of this.retired) {
      const into = nodesOf(key);
      for (const [node, totals] of nodes) into.set(node, { ...totals });
    }
    for (const instance of this.live) {
      const into = nodesOf(pipelineKeyOf(instance));
      for (const [node, counters] of Object.entries(instance.counters)) {
        const totals = into.get(node) ?? into.set(node, zeroTotals()).get(node)!;
        addInto(totals, counters);
      }
    }
    return out;
  }

  private retire(instance: InstanceProcess): void {
    if (!this.live.delete(instance)) return;
    const key = pipelineKeyOf(instance);
    const nodes = this.retired.get(key) ?? this.retired.set(key, new Map()).get(key)!;
    for (const [node, counters] of Object.entries(instance.counters)) {
      const totals = nodes.get(node) ?? nodes.set(node, zeroTotals()).get(node)!;
      addInto(totals, counters);
    }
  }
}

function pipelineKeyOf(instance: InstanceProcess): string {
  return `${instance.spec.group}:${instance.spec.pipeline}`;
}
