// A bounded FIFO between two nodes. The hot path (room to send, something to take) allocates nothing: a fixed ring
// buffer, a shared resolved promise for `send`, and promises only when a side actually has to wait. Senders that wait
// are queued in arrival order and move into the ring as the consumer frees slots, so FIFO holds across both.

export class ChannelClosedError extends Error {
  constructor(message = 'channel closed') {
    super(message);
    this.name = 'ChannelClosedError';
  }
}

const RESOLVED: Promise<void> = Promise.resolve();

interface WaitingSender<T> {
  item: T;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class Channel<T> {
  readonly capacity: number;
  private readonly ring: (T | undefined)[];
  private head = 0;
  private size = 0;
  // Bounded by the number of producers that are awaiting `send` at once (one per in-flight emit).
  private readonly senders: WaitingSender<T>[] = [];
  private consumerWake: ((readable: boolean) => void) | null = null;
  private closing = false;
  private aborted = false;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`channel capacity must be an integer >= 1, got ${capacity}`);
    this.capacity = capacity;
    this.ring = new Array<T | undefined>(capacity);
  }

  /** Messages waiting in the channel, including senders blocked on a full channel. */
  get depth(): number {
    return this.size + this.senders.length;
  }

  /** True once `close()` or `abort()` was called: no new message is accepted. */
  get closed(): boolean {
    return this.closing || this.aborted;
  }

  /** True when a `trySend` would succeed now. */
  get hasRoom(): boolean {
    return !this.closed && this.size < this.capacity;
  }

  /** Enqueues without waiting; false when full or closed. */
  trySend(item: T): boolean {
    if (!this.hasRoom) return false;
    this.push(item);
    return true;
  }

  /** Enqueues, waiting for room; rejects with ChannelClosedError when closed (or aborted while waiting). */
  send(item: T): Promise<void> {
    if (this.trySend(item)) return RESOLVED;
    if (this.closed) return Promise.reject(new ChannelClosedError());
    return new Promise<void>((resolve, reject) => {
      this.senders.push({ item, resolve, reject });
    });
  }

  /** Takes the oldest message, or undefined when there is none right now. */
  tryReceive(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.ring[this.head] as T;
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.size--;
    const waiting = this.senders.shift();
    if (waiting) {
      this.push(waiting.item);
      waiting.resolve();
    }
    return item;
  }

  /**
   * Resolves true when a message can be taken, false when the channel has ended (closed and empty, or aborted).
   * One consumer only.
   */
  readable(): Promise<boolean> {
    if (this.size > 0) return Promise.resolve(true);
    if (this.ended) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      this.consumerWake = resolve;
    });
  }

  /** Stops accepting; what is already queued (and senders already waiting) is still delivered. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    if (this.ended) this.wakeConsumer(false);
  }

  /**
   * Drops everything: queued messages and waiting senders (rejected with ChannelClosedError) are returned so the caller
   * can count them as dropped; the consumer sees the end.
   */
  abort(): T[] {
    const dropped: T[] = [];
    if (this.aborted) return dropped;
    this.aborted = true;
    while (this.size > 0) {
      dropped.push(this.ring[this.head] as T);
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.size--;
    }
    const error = new ChannelClosedError('channel aborted');
    for (const waiting of this.senders.splice(0)) {
      dropped.push(waiting.item);
      waiting.reject(error);
    }
    this.wakeConsumer(false);
    return dropped;
  }

  private get ended(): boolean {
    return this.aborted || (this.closing && this.size === 0 && this.senders.length === 0);
  }

  private push(item: T): void {
    this.ring[(this.head + this.size) % this.capacity] = item;
    this.size++;
    this.wakeConsumer(true);
  }

  private wakeConsumer(readable: boolean): void {
    const wake = this.consumerWake;
    if (wake) {
      this.consumerWake = null;
      wake(readable);
    }
  }
}
