// What the batch processor holds for one signal: encoded requests waiting to be concatenated, and the timer that
// sends them if no more data comes. The timer is unref'd: a pending batch must not keep a stopped process alive.
import { holdAcks, type Ack } from '../../../pipeline/ack.js';
import type { PData, Signal } from '../../../pipeline/pdata.js';

export class SignalBuffer {
  private parts: Uint8Array[] = [];
  private acks: Ack[] = [];
  private timer: NodeJS.Timeout | undefined;
  bytes = 0;
  items = 0;

  /** Messages held. */
  get requests(): number {
    return this.parts.length;
  }

  /** Keeps the message until the batch goes; an acknowledged message is held (one reference) until then. */
  add(pdata: PData): void {
    this.parts.push(pdata.payload);
    this.bytes += pdata.payload.byteLength;
    this.items += pdata.items;
    if (pdata.acks) {
      holdAcks(pdata);
      this.acks.push(...pdata.acks);
    }
  }

  /** Arms the send timer unless it is already running: a batch's age counts from its first message. */
  armTimer(ms: number, onTimeout: () => void): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      onTimeout();
    }, ms);
    this.timer.unref();
  }

  /** Empties the buffer into one message (undefined when empty). A single part is passed on without a copy. */
  take(signal: Signal): PData | undefined {
    this.clearTimer();
    if (this.parts.length === 0) return undefined;
    const payload = this.parts.length === 1 ? (this.parts[0] as Uint8Array) : Buffer.concat(this.parts, this.bytes);
    // The batch carries the acks of everything in it; the caller releases the buffer's references once it is sent.
    const batch: PData = this.acks.length > 0 ? { signal, payload, items: this.items, acks: this.acks } : { signal, payload, items: this.items };
    this.acks = [];
    this.parts = [];
    this.bytes = 0;
    this.items = 0;
    return batch;
  }

  /** Drops what is held; returns the items dropped. */
  discard(): number {
    this.clearTimer();
    const items = this.items;
    for (const ack of this.acks) ack.release('processor:batch stopped while holding the data');
    this.acks = [];
    this.parts = [];
    this.bytes = 0;
    this.items = 0;
    return items;
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
