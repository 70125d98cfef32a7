// Per node counters as the runtime updates them; `queueDepth` is read from the input channel when a snapshot is taken.
import type { NodeCounters } from '../ipc/messages.js';

export type MutableCounters = Omit<NodeCounters, 'queueDepth'>;

export function newCounters(): MutableCounters {
  return { itemsReceived: 0, itemsSent: 0, itemsRefused: 0, itemsDropped: 0, itemsFailed: 0 };
}
