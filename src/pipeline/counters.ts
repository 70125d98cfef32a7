// Per node counters as the runtime updates them; `queueDepth` is read from the input channel when a snapshot is taken.
// Bytes are the protobuf size of whole messages: items a node drops from inside a message (a filter) or out of what it
// holds count in items only, since no byte size belongs to them.
import type { NodeCounters } from './counter-types.js';
import type { PData } from './pdata.js';

export type MutableCounters = Omit<NodeCounters, 'queueDepth' | 'durableBuffer'>;

export function newCounters(): MutableCounters {
  return {
    itemsReceived: 0,
    itemsSent: 0,
    itemsRefused: 0,
    itemsDropped: 0,
    itemsFailed: 0,
    bytesReceived: 0,
    bytesSent: 0,
    bytesRefused: 0,
    bytesDropped: 0,
    bytesFailed: 0,
  };
}

// One function per outcome rather than one keyed by name: these run per message, and fixed property names stay fast.
export function countReceived(counters: MutableCounters, pdata: PData): void {
  counters.itemsReceived += pdata.items;
  counters.bytesReceived += pdata.payload.byteLength;
}

export function countSent(counters: MutableCounters, pdata: PData): void {
  counters.itemsSent += pdata.items;
  counters.bytesSent += pdata.payload.byteLength;
}

export function countRefused(counters: MutableCounters, pdata: PData): void {
  counters.itemsRefused += pdata.items;
  counters.bytesRefused += pdata.payload.byteLength;
}

/** What the counters need of a message: its items and its size (a PData, or a tally of several). */
export type Counted = Pick<PData, 'items'> & Partial<Pick<PData, 'signal'>> & { readonly payload: { readonly byteLength: number } };

export function countDropped(counters: MutableCounters, pdata: Counted): void {
  counters.itemsDropped += pdata.items;
  counters.bytesDropped += pdata.payload.byteLength;
}

export function countFailed(counters: MutableCounters, pdata: PData): void {
  counters.itemsFailed += pdata.items;
  counters.bytesFailed += pdata.payload.byteLength;
}
