// Runs a receiver. It has no input channel: data arrives on sockets the runtime hands over, and the receiver's own
// emits (through its context) count what it took in, passed on and refused.
import type { Socket as DatagramSocket } from 'node:dgram';
import type { Socket } from 'node:net';
import type { NodeKind } from '../config/effective.js';
import type { MutableCounters } from './counters.js';
import type { NodeRunner, RunnerBase } from './runner.js';
import type { Receiver } from './node.js';
import type { RuntimeContext } from './context.js';

export class ReceiverRunner implements NodeRunner {
  readonly kind: NodeKind = 'receiver';
  readonly input = null;
  readonly name: string;
  readonly urn: string;
  readonly counters: MutableCounters;
  private readonly ctx: RuntimeContext;

  constructor(
    base: RunnerBase,
    private readonly node: Receiver,
  ) {
    this.name = base.name;
    this.urn = base.urn;
    this.ctx = base.ctx;
    this.counters = base.counters;
  }

  start(): Promise<void> {
    return this.node.start(this.ctx);
  }

  accept(listenerId: string, socket: Socket): void {
    this.node.accept(listenerId, socket);
  }

  acceptDatagrams(listenerId: string, socket: DatagramSocket): void {
    if (!this.node.acceptDatagrams) throw new Error(`receiver ${this.name} does not take datagrams (listener ${listenerId})`);
    this.node.acceptDatagrams(listenerId, socket);
  }

  finish(deadlineMs: number): Promise<void> {
    return this.node.drain(deadlineMs);
  }

  /** What a receiver holds are requests in flight; its `stop` answers them, so nothing is counted here. */
  abandon(): number {
    return 0;
  }

  stop(): Promise<void> {
    return this.node.stop();
  }
}
