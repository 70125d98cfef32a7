import { describe, expect, it } from 'vitest';
import { Channel, ChannelClosedError } from '../../src/pipeline/channel.js';

function drainSync<T>(ch: Channel<T>): T[] {
  const out: T[] = [];
  for (let v = ch.tryReceive(); v !== undefined; v = ch.tryReceive()) out.push(v);
  return out;
}

describe('Channel', () => {
  it('is a bounded FIFO: trySend refuses when full', () => {
    const ch = new Channel<number>(3);
    expect([ch.trySend(1), ch.trySend(2), ch.trySend(3), ch.trySend(4)]).toEqual([true, true, true, false]);
    expect(ch.depth).toBe(3);
    expect(ch.hasRoom).toBe(false);
    expect(ch.tryReceive()).toBe(1);
    expect(ch.trySend(5)).toBe(true);
    expect(drainSync(ch)).toEqual([2, 3, 5]);
    expect(ch.depth).toBe(0);
  });

  it('keeps order across many wrap-arounds of the ring', () => {
    const ch = new Channel<number>(4);
    const got: number[] = [];
    for (let i = 0; i < 1000; i++) {
      expect(ch.trySend(i)).toBe(true);
      if (i % 3 === 2) got.push(...drainSync(ch));
    }
    got.push(...drainSync(ch));
    expect(got).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('send waits for room and waiting senders keep their order behind queued messages', async () => {
    const ch = new Channel<string>(1);
    await ch.send('a');
    const order: string[] = [];
    const b = ch.send('b').then(() => order.push('b accepted'));
    const c = ch.send('c').then(() => order.push('c accepted'));
    expect(ch.depth).toBe(3);
    expect(ch.trySend('x')).toBe(false);
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(ch.tryReceive()).toBe('a');
    await b;
    expect(order).toEqual(['b accepted']);
    expect(ch.tryReceive()).toBe('b');
    await c;
    expect(ch.tryReceive()).toBe('c');
    expect(ch.depth).toBe(0);
  });

  it('readable wakes the consumer when a message arrives and reports the end after close', async () => {
    const ch = new Channel<number>(2);
    const waiting = ch.readable();
    setTimeout(() => ch.trySend(7), 5);
    expect(await waiting).toBe(true);
    expect(ch.tryReceive()).toBe(7);
    const end = ch.readable();
    ch.close();
    expect(await end).toBe(false);
  });

  it('close refuses new messages but delivers what is queued and what senders were waiting to send', async () => {
    const ch = new Channel<number>(1);
    ch.trySend(1);
    const waiting = ch.send(2);
    ch.close();
    expect(ch.trySend(3)).toBe(false);
    await expect(ch.send(4)).rejects.toBeInstanceOf(ChannelClosedError);
    expect(ch.tryReceive()).toBe(1);
    await waiting;
    expect(await ch.readable()).toBe(true);
    expect(ch.tryReceive()).toBe(2);
    expect(await ch.readable()).toBe(false);
  });

  it('abort hands back everything held, rejects waiting senders and ends the consumer', async () => {
    const ch = new Channel<number>(2);
    ch.trySend(1);
    ch.trySend(2);
    const waiting = ch.send(3);
    const dropped = ch.abort();
    expect(dropped).toEqual([1, 2, 3]);
    await expect(waiting).rejects.toBeInstanceOf(ChannelClosedError);
    expect(ch.depth).toBe(0);
    expect(await ch.readable()).toBe(false);
    expect(ch.abort()).toEqual([]);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new Channel(0)).toThrow(RangeError);
  });

  it('does not allocate a new promise per send when there is room', () => {
    const ch = new Channel<number>(4);
    const p1 = ch.send(1);
    const p2 = ch.send(2);
    expect(p1).toBe(p2);
  });
});
