// Node counters across instance lifetimes. An instance reports cumulative counters (heartbeats, and its final ones when
// drained); when it exits, what it last reported is folded into its pipeline's retired totals. So a pipeline's totals
// never go back when a generation is retired, a core is resized away, or a crashed instance is replaced.
import type { NodeCounters } from '../pipeline/counter-types.js';
import type { InstanceProcess } from './instance-process.js';
import { keyOf } from './pipeline-key.js';

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

/** A pipeline's totals, node by node. */
export interface PipelineTotals {
  group: string;
  pipeline: string;
  nodes: Map<string, CounterTotals>;
}

export class CounterLedger {
  private readonly live = new Set<InstanceProcess>();
  /** Totals of the instances that have exited, by pipeline key. */
  private readonly retired = new Map<string, PipelineTotals>();

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
  forget(group: string, pipeline: string): void {
    this.retired.delete(keyOf(group, pipeline));
  }

  /** Every pipeline's totals over every instance it ever had. */
  totals(): PipelineTotals[] {
    const out = new Map<string, PipelineTotals>();
    for (const [key, entry] of this.retired) {
      out.set(key, { ...entry, nodes: new Map([...entry.nodes].map(([node, totals]) => [node, { ...totals }])) });
    }
    for (const instance of this.live) addInstance(out, instance);
    return [...out.values()];
  }

  private retire(instance: InstanceProcess): void {
    if (this.live.delete(instance)) addInstance(this.retired, instance);
  }
}

function addInstance(into: Map<string, PipelineTotals>, instance: InstanceProcess): void {
  const { group, pipeline } = instance.spec;
  const key = keyOf(group, pipeline);
  const entry = into.get(key) ?? into.set(key, { group, pipeline, nodes: new Map() }).get(key)!;
  for (const [node, counters] of Object.entries(instance.counters)) {
    const totals = entry.nodes.get(node) ?? entry.nodes.set(node, zeroTotals()).get(node)!;
    addInto(totals, counters);
  }
}
