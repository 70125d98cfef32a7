// receiver:traffic_generator: synthetic logs, traces or metrics for load tests and demos. It paces itself to `rate`
// items/s (0: as fast as downstream takes them, awaiting emit for backpressure) and stops after `max_items`. It has
// no listener: the supervisor never hands it a connection. `record_size` pads items and `attribute_cardinality` cycles
// a `gen.key` attribute; both are laid out in the template, so a batch stays a copy and a few writes.
import type { Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { NodeContext, NodeInstance, Receiver } from '../../../pipeline/node.js';
import { fillBatch } from './batch.js';
import type { TrafficGeneratorConfig } from './descriptor.js';
import { buildTemplate, type Template } from './template.js';

type State = 'created' | 'running' | 'draining' | 'finished' | 'stopped';

/** A generator that fell this far behind its schedule (a stall downstream) starts a new schedule instead of bursting. */
const MAX_CATCH_UP_MS = 1_000;

export interface TrafficGeneratorStats {
  items: number;
  requests: number;
}

export class TrafficGenerator implements Receiver {
  private state: State = 'created';
  private ctx: NodeContext | undefined;
  private readonly templates = new Map<number, Template>();
  private readonly source: string;
  private sent = 0;
  private requests = 0;
  private loop: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;

  constructor(
    name: string,
    private readonly config: TrafficGeneratorConfig,
  ) {
    this.source = `${name}/${process.pid}`;
  }

  async start(ctx: NodeContext): Promise<void> {
    if (this.state !== 'created') throw new Error(`traffic generator: start() in state ${this.state}`);
    this.ctx = ctx;
    this.template(this.config.batch_size); // encode up front: a bad template fails start, not the loop
    this.state = 'running';
    // Generation begins after start() returned, so the instance finishes starting before data flows.
    this.loop = nextTurn().then(() => this.run());
  }

  accept(listenerId: string, socket: Socket): void {
    socket.destroy();
    throw new Error(`traffic generator has no listeners (was handed a connection for ${listenerId})`);
  }

  /** Stops generating; resolves once the last emit resolved, or at the deadline if downstream never takes it. */
  async drain(deadline: number = Number.POSITIVE_INFINITY): Promise<void> {
    if (this.state === 'running') this.state = 'draining';
    this.wake?.();
    if (!Number.isFinite(deadline)) return this.loop;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))));
    await Promise.race([this.loop, expired]);
    clearTimeout(timer);
  }

  /** Stops at once, without waiting for an emit that downstream may never accept. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    this.wake?.();
  }

  stats(): TrafficGeneratorStats {
    return { items: this.sent, requests: this.requests };
  }

  private template(items: number): Template {
    let template = this.templates.get(items);
    if (!template) {
      template = buildTemplate(this.config.signal, items, this.source, {
        recordSize: this.config.record_size ?? 0,
        cardinality: this.config.attribute_cardinality ?? 1,
      });
      this.templates.set(items, template);
    }
    return template;
  }

  private async run(): Promise<void> {
    const ctx = this.ctx as NodeContext;
    const { rate, batch_size: batchSize, max_items: maxItems } = this.config;
    let scheduleStart = performance.now();
    let scheduled = 0;
    try {
      while (this.state === 'running') {
        const items = maxItems > 0 ? Math.min(batchSize, maxItems - this.sent) : batchSize;
        if (items <= 0) {
          this.state = 'finished';
          ctx.logger.info({ items: this.sent }, 'traffic generator reached max_items');
          break;
        }
        if (rate > 0) {
          const late = performance.now() - (scheduleStart + (scheduled / rate) * 1000);
          if (late > MAX_CATCH_UP_MS) {
            scheduleStart = performance.now();
            scheduled = 0;
          } else if (late < 0) {
            await this.sleep(-late);
            if (this.state !== 'running') break;
          }
        }
        await ctx.emit(fillBatch(this.template(items), this.sent, Date.now()));
        this.sent += items;
        scheduled += items;
        this.requests++;
        // emit may resolve at once: yield so IPC, timers and drain requests keep being served.
        if (rate === 0) await nextTurn();
      }
    } catch (error) {
      this.state = 'stopped';
      ctx.reportError(error as Error, false);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).finally(() => {
      this.wake = undefined;
    });
  }
}

export function createTrafficGenerator(name: string, config: Record<string, unknown>): NodeInstance {
  return { kind: 'receiver', node: new TrafficGenerator(name, config as unknown as TrafficGeneratorConfig) };
}
