// What the batch processor holds for one signal: encoded requests waiting to be concatenated, and the timer that
// sends them if no more data comes. The timer is unref'd: a pending batch must not keep a stopped process alive.
import type { PData, Signal } from '../../../pipeline/pdata.js';

export class SignalBuffer {
  private parts: Uint8Array[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;
  items = 0;

  add(pdata: PData): void {
    this.parts.push(pdata.payload);
    this.bytes += pdata.payload.byteLength;
    this.items += pdata.items;
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
    const batch: PData = { signal, payload, items: this.items };
    this.parts = [];
    this.bytes = 0;
    this.items = 0;
    return batch;
  }

  /** Drops what is held; returns the items dropped. */
  discard(): number {
    this.clearTimer();
    const items = this.items;
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
