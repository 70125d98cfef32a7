// receiver:traffic_generator: synthetic or semantic-convention telemetry for load tests and demos. It works in runs of
// one second: each run sends the batches of shape.ts, spread evenly over the second (`smooth`) or as fast as
// downstream takes them (`open`, and always when signals_per_second is null), then waits for the next second. A run
// not finished when the next second starts is abandoned, as upstream's is. After max_signal_count signals it stops
// producing and waits for shutdown. It has no listener: the supervisor never hands it a connection.
import type { Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Ack } from '../../../pipeline/ack.js';
import type { NodeContext, NodeInstance, Receiver } from '../../../pipeline/node.js';
import type { PData, Signal } from '../../../pipeline/pdata.js';
import type { TrafficGeneratorConfig } from './config.js';
import { Producer } from './producer.js';
import { capShape, createShape, signalsIn, type Shape } from './shape.js';

type State = 'created' | 'running' | 'draining' | 'finished' | 'stopped';

const RUN_MS = 1000;
/** A smooth run waits for a batch's slot only when it is at least this far ahead: timers are not finer. */
const MIN_SLEEP_MS = 1;
/**
 * An open run gives the event loop a turn (IPC, timers, a drain request) at least this often. Once per batch cost
 * more than the batch itself when the batch is a replayed message: a turn is a few µs, a replay under one.
 */
const YIELD_EVERY_MS = 1;

export interface TrafficGeneratorStats {
  /** Signals sent: log records, spans, metrics. */
  logs: number;
  spans: number;
  metrics: number;
  /** Items as the engine counts them (metric data points for metrics) and messages. */
  items: number;
  requests: number;
  /** Runs abandoned because the next second began before they were sent. */
  runsBehind: number;
  /** With enable_ack_nack: messages the pipeline delivered, and ones it failed. */
  acked: number;
  nacked: number;
}

const SIGNAL_STAT: Record<Signal, 'logs' | 'spans' | 'metrics'> = { logs: 'logs', traces: 'spans', metrics: 'metrics' };

export class TrafficGenerator implements Receiver {
  private state: State = 'created';
  private ctx: NodeContext | undefined;
  private readonly producer: Producer;
  private readonly shape: Shape;
  private readonly open: boolean;
  private readonly stats_: TrafficGeneratorStats = { logs: 0, spans: 0, metrics: 0, items: 0, requests: 0, runsBehind: 0, acked: 0, nacked: 0 };
  private produced = 0;
  private behindInEpisode = false;
  private loop: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;

  constructor(private readonly config: TrafficGeneratorConfig) {
    this.producer = new Producer(config);
    this.shape = createShape(config.traffic_config);
    const traffic = config.traffic_config;
    this.open = traffic.signals_per_second === null || traffic.production_mode === 'open';
  }

  async start(ctx: NodeContext): Promise<void> {
    if (this.state !== 'created') throw new Error(`traffic generator: start() in state ${this.state}`);
    this.ctx = ctx;
    // Encode up front: a template that cannot be made fails start, not the loop.
    this.producer.prepare(this.shape, Date.now());
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
    return { ...this.stats_ };
  }

  /** The batches of the next run, cut to what max_signal_count leaves; empty once it is reached. */
  private nextRun(): Shape {
    const max = this.config.traffic_config.max_signal_count;
    if (max === null) return this.shape;
    const left = max - this.produced;
    return left >= signalsIn(this.shape) ? this.shape : capShape(this.shape, left);
  }

  private async run(): Promise<void> {
    const ctx = this.ctx as NodeContext;
    let runStart = performance.now();
    try {
      while (this.state === 'running') {
        const run = this.nextRun();
        if (run.length === 0) {
          this.state = 'finished';
          ctx.logger.info({ signals: this.produced }, 'traffic generator reached max_signal_count');
          break;
        }
        const interval = this.open ? 0 : RUN_MS / run.length;
        const runEnd = runStart + RUN_MS;
        let sent = 0;
        let yielded = performance.now();
        for (const [signal, count] of run) {
          if (this.state !== 'running') return;
          const now = performance.now();
          if (now >= runEnd) break;
          const slot = runStart + sent * interval;
          if (slot - now >= MIN_SLEEP_MS) {
            await this.sleep(slot - now);
            if (this.state !== 'running') return;
          }
          await this.send(ctx, this.producer.next(signal, count, Date.now()), count);
          sent++;
          // emit may resolve at once: yield so IPC, timers and drain requests keep being served.
          if (this.open && performance.now() - yielded >= YIELD_EVERY_MS) {
            await nextTurn();
            yielded = performance.now();
          }
        }
        if (sent < run.length) this.behind(ctx, run.length - sent);
        else this.behindInEpisode = false;
        // The next run starts on the next whole second of this generator's clock, skipping seconds already past.
        const now = performance.now();
        runStart = now < runEnd ? runEnd : runStart + Math.ceil((now - runStart) / RUN_MS) * RUN_MS;
        if (runStart - now >= MIN_SLEEP_MS) await this.sleep(runStart - now);
      }
    } catch (error) {
      this.state = 'stopped';
      ctx.reportError(error as Error, false);
    }
  }

  private async send(ctx: NodeContext, pdata: PData, signals: number): Promise<void> {
    if (this.config.enable_ack_nack) {
      const ack = new Ack(pdata.items);
      await ctx.emit({ ...pdata, acks: [ack] });
      // The generator's own reference goes now that every delivery holds one.
      ack.release();
      void ack.settled.then((outcome) => (outcome.ok ? this.stats_.acked++ : this.stats_.nacked++));
    } else {
      await ctx.emit(pdata);
    }
    this.produced += signals;
    this.stats_[SIGNAL_STAT[pdata.signal]] += signals;
    this.stats_.items += pdata.items;
    this.stats_.requests++;
  }

  private behind(ctx: NodeContext, remaining: number): void {
    this.stats_.runsBehind++;
    if (this.behindInEpisode) return;
    this.behindInEpisode = true;
    // As upstream: a warning in smooth mode (the rate is not met), routine in open mode.
    const fields = { remainingBatches: remaining, mode: this.open ? 'open' : 'smooth' };
    if (this.open) ctx.logger.debug(fields, 'traffic generator run unfinished when the next second began');
    else ctx.logger.warn(fields, 'traffic generator is falling behind: a run was unfinished when the next second began (production_mode open gives the highest throughput)');
  }

  /** Waits `ms`, or less when drain or stop wakes it; not at all once either happened. */
  private sleep(ms: number): Promise<void> {
    if (this.state !== 'running') return Promise.resolve();
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

export function createTrafficGenerator(_name: string, config: Record<string, unknown>): NodeInstance {
  return { kind: 'receiver', node: new TrafficGenerator(config as unknown as TrafficGeneratorConfig) };
}
