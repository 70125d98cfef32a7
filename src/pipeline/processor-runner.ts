// Runs a processor: its input channel feeds `process` one message at a time; on drain, `flush` hands on what it holds.
import type { NodeKind } from '../config/effective.js';
import type { Channel } from './channel.js';
import type { Processor } from './node.js';
import type { PData } from './pdata.js';
import type { DurableBufferStats } from './counter-types.js';
import { ConsumerRunner, type RunnerBase } from './runner.js';

export class ProcessorRunner extends ConsumerRunner {
  readonly kind: NodeKind = 'processor';

  constructor(
    base: RunnerBase,
    input: Channel<PData>,
    private readonly node: Processor,
  ) {
    super(base, input);
  }

  async start(): Promise<void> {
    await this.node.start?.(this.ctx);
    this.startLoop();
  }

  async stop(): Promise<void> {
    await this.node.stop?.();
  }

  protected handle(pdata: PData): Promise<void> | void {
    return this.node.process(pdata, this.ctx);
  }

  protected async flushNode(deadlineMs: number): Promise<void> {
    await this.node.flush?.(this.ctx, deadlineMs);
  }

  durableBuffer(): DurableBufferStats | undefined {
    return this.node.durableBuffer?.();
  }

  protected override abandonInFlight(): number {
    return this.node.abandon?.() ?? 0;
  }
}
