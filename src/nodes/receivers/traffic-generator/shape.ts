// What one second of generation sends: a list of (signal, count) batches, as upstream's generator plans it. The
// signals_per_second are shared out by weight (a signal with a weight above 0 gets at least 1; what rounding leaves
// over goes one each to the largest shares), each share is cut into batches of max_batch_size and a remainder, and
// the three lists are interleaved so that each round takes batches in proportion to the shares.
import type { Signal } from '../../../pipeline/pdata.js';
import type { TrafficConfig } from './config.js';

export type Batch = readonly [signal: Signal, count: number];
export type Shape = Batch[];

/** Batches in an uncapped run (signals_per_second null): upstream's unit of open-loop work. */
export const UNCAPPED_RUN_BATCHES = 1024;

type ShapeConfig = Pick<TrafficConfig, 'signals_per_second' | 'max_signal_count' | 'max_batch_size' | 'metric_weight' | 'trace_weight' | 'log_weight'>;

function batchesOf(signal: Signal, count: number, maxBatch: number): Batch[] {
  const out: Batch[] = [];
  for (let left = count; left > 0; left -= maxBatch) out.push([signal, Math.min(left, maxBatch)]);
  return out;
}

/** Signals in one run: signals_per_second, or for an uncapped generator a large block (at most max_signal_count). */
export function runTarget(config: ShapeConfig): number {
  if (config.signals_per_second !== null) return config.signals_per_second;
  const block = config.max_batch_size * UNCAPPED_RUN_BATCHES;
  return config.max_signal_count === null ? block : Math.min(config.max_signal_count, block);
}

export function createShape(config: ShapeConfig): Shape {
  const total = config.log_weight + config.metric_weight + config.trace_weight;
  const target = runTarget(config);
  const share = (weight: number): number => {
    if (weight === 0) return 0;
    // Math.fround: the share is computed in single precision, as upstream does, so both round alike.
    return Math.max(1, Math.floor(Math.fround(Math.fround(weight / total) * target)));
  };
  const shares: Array<[Signal, number]> = [
    ['logs', share(config.log_weight)],
    ['metrics', share(config.metric_weight)],
    ['traces', share(config.trace_weight)],
  ];
  shares.sort((a, b) => b[1] - a[1]);
  const deficit = target - shares.reduce((sum, [, n]) => sum + n, 0);
  for (let k = 0; k < Math.min(deficit, 3); k++) (shares[k] as [Signal, number])[1]++;
  const smallest = Math.max(1, (shares[2] as [Signal, number])[1]);
  const lists = shares.map(([signal, n]) => ({ batches: batchesOf(signal, n, config.max_batch_size), ratio: Math.floor(n / smallest), next: 0 }));
  const shape: Shape = [];
  for (let added = true; added; ) {
    added = false;
    for (const list of lists) {
      const end = Math.min(list.next + list.ratio, list.batches.length);
      if (end > list.next) added = true;
      while (list.next < end) shape.push(list.batches[list.next++] as Batch);
    }
  }
  return shape;
}

export function signalsIn(shape: readonly Batch[]): number {
  let n = 0;
  for (const [, count] of shape) n += count;
  return n;
}

/** The leading part of `shape` holding exactly `limit` signals (the last batch cut short), for max_signal_count. */
export function capShape(shape: readonly Batch[], limit: number): Shape {
  const out: Shape = [];
  let left = limit;
  for (const [signal, count] of shape) {
    if (left <= 0) break;
    out.push([signal, Math.min(count, left)]);
    left -= count;
  }
  return out;
}
