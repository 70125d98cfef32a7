// One pipeline graph inside one instance process: builds the nodes, wires them with bounded channels, starts them
// downstream-first, routes accepted connections to receivers, and drains them upstream-first within a deadline.
import type { Socket as DatagramSocket } from 'node:dgram';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { EffectivePipeline } from '../config/effective.js';
import type { NodeCounters } from './counter-types.js';
import { ExtensionHost, type ExtensionResolver } from '../extensions/host.js';
import { assembleRunners } from './assemble.js';
import { drainInOrder } from './drain.js';
import { NodeError } from './errors.js';
import type { FactoryResolver } from './factory.js';
import { planGraph, type GraphPlan } from './graph.js';
import { Lifecycle, type RuntimeState } from './lifecycle.js';
import { ReceiverRunner } from './receiver-runner.js';
import type { NodeRunner } from './runner.js';
import { stopInOrder } from './stop.js';

export interface RuntimeOptions {
  logger: Logger;
  /** The node registry: the instance entry passes the built-in one (src/nodes/implementations.ts). */
  resolveFactory: FactoryResolver;
  /** Supplies extension implementations ahead of the built-in registry (undefined falls back to it). */
  resolveExtension?: ExtensionResolver;
  /** Told before each node starts, so that a crash during a node's start can be blamed on that node. */
  onNodeStarting?: (node: string) => void;
}

export interface DrainResult {
  /** Nodes that had not finished (or stopped) by the deadline: their work was abandoned. */
  forcedNodes: string[];
}

export type NodeErrorListener = (node: string, error: Error, fatal: boolean) => void;

/** After a drain deadline, how long nodes still get to release sockets and timers in `stop()`. */
const STOP_GRACE_MS = 250;
/** Bound on nodes' `stop()` for an immediate stop. */
const STOP_TIMEOUT_MS = 2000;
const KIND_RANK = { exporter: 0, processor: 1, receiver: 2 } as const;

export class PipelineRuntime {
  private readonly lifecycle: Lifecycle;
  private readonly listeners = new Set<NodeErrorListener>();
  private readonly abandonment = new AbortController();
  private runners: NodeRunner[] = [];
  /** Nodes whose start was attempted, in start order; only these are stopped. */
  private readonly attempted: NodeRunner[] = [];
  private starting: Promise<void> | null = null;
  private draining: Promise<DrainResult> | null = null;
  private stopping: Promise<void> | null = null;
  private stoppingNodes: Promise<string[]> | null = null;

  private constructor(
    private readonly logger: Logger,
    private readonly plan: GraphPlan,
    private readonly extensions: ExtensionHost,
    private readonly onNodeStarting: (node: string) => void = () => undefined,
  ) {
    this.lifecycle = new Lifecycle(logger);
  }

  static async build(config: EffectivePipeline, opts: RuntimeOptions): Promise<PipelineRuntime> {
    const plan = planGraph(config);
    // Built before the nodes: a node's factory receives the capability objects of the extensions it binds.
    const extensions = await ExtensionHost.build(config.extensions, opts.logger, opts.resolveExtension);
    const runtime = new PipelineRuntime(opts.logger, plan, extensions, opts.onNodeStarting);
    runtime.runners = await assembleRunners(plan, config.policies.channelCapacity.pdata, {
      logger: opts.logger,
      errors: (node, error, fatal) => runtime.report(node, error, fatal),
      abandonSignal: runtime.abandonment.signal,
      capabilitiesOf: (node) => extensions.capabilitiesFor(node),
      resolveFactory: opts.resolveFactory,
    });
    return runtime;
  }

  get state(): RuntimeState {
    return this.lifecycle.state;
  }

  /** Subscribes to node errors (the instance forwards them to the supervisor); returns the unsubscribe. */
  onError(listener: NodeErrorListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Extensions (all ready), then exporters, then processors, then receivers: nothing can emit into a node that is not
   * running yet, and no node runs without the services it binds.
   */
  start(): Promise<void> {
    if (this.starting) return this.starting;
    if (!this.lifecycle.transition('starting')) return Promise.reject(new Error(`pipeline runtime is ${this.state}`));
    this.starting = this.startNodes();
    return this.starting;
  }

  accept(listenerId: string, socket: Socket): void {
    const name = listenerId.slice(0, Math.max(0, listenerId.lastIndexOf('/')));
    const runner = this.runners.find((r) => r.name === name);
    const state = this.state;
    if (!(runner instanceof ReceiverRunner) || (state !== 'running' && state !== 'draining')) {
      this.logger.warn({ listenerId, state }, 'connection for an unknown listener or a runtime not serving: closed');
      socket.destroy();
      return;
    }
    try {
      runner.accept(listenerId, socket);
    } catch (error) {
      socket.destroy();
      this.report(runner.name, asError(error), false);
    }
  }

  /** A descriptor of the supervisor's datagram socket for a `udp` listener (see ReceiverRunner.acceptDatagrams). */
  acceptDatagrams(listenerId: string, socket: DatagramSocket): void {
    const name = listenerId.slice(0, Math.max(0, listenerId.lastIndexOf('/')));
    const runner = this.runners.find((r) => r.name === name);
    if (!(runner instanceof ReceiverRunner) || this.state !== 'running') {
      this.logger.warn({ listenerId, state: this.state }, 'datagram socket for an unknown listener or a runtime not serving: closed');
      closeDatagrams(socket);
      return;
    }
    try {
      runner.acceptDatagrams(listenerId, socket);
    } catch (error) {
      closeDatagrams(socket);
      this.report(runner.name, asError(error), false);
    }
  }

  drain(deadlineMs: number): Promise<DrainResult> {
    this.draining ??= this.runDrain(deadlineMs);
    return this.draining;
  }

  /** Immediate: abandons what is queued (counted as dropped) and stops every node. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.starting?.catch(() => undefined);
      if (this.state === 'stopped') return;
      this.abandon('stopped');
      await this.stopNodes(Date.now() + STOP_TIMEOUT_MS);
      this.toStopped();
    })();
    return this.stopping;
  }

  counters(): Record<string, NodeCounters> {
    const out: Record<string, NodeCounters> = {};
    for (const runner of this.runners) {
      const throughput = runner.throughput?.();
      out[runner.name] = { ...runner.counters, queueDepth: runner.input?.depth ?? 0, ...(throughput ? { throughput } : {}) };
    }
    return out;
  }

  private async startNodes(): Promise<void> {
    try {
      await this.extensions.start();
    } catch (error) {
      this.logger.error({ err: error }, (error as Error).message);
      return this.failStart(error as Error);
    }
    const reversed = [...this.runners].reverse();
    const order = reversed.sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind]);
    for (const runner of order) {
      this.attempted.push(runner);
      this.onNodeStarting(runner.name);
      try {
        await runner.start();
      } catch (cause) {
        const error = new NodeError(runner.name, runner.urn, 'start', cause);
        this.logger.error({ err: cause, node: runner.name }, error.message);
        return this.failStart(error);
      }
    }
    this.lifecycle.transition('running');
  }

  /** A start that failed stops whatever it started (nodes, then extensions) and rejects with `error`. */
  private async failStart(error: Error): Promise<never> {
    this.abandon('start failed');
    await this.stopNodes(Date.now() + STOP_TIMEOUT_MS);
    this.toStopped();
    throw error;
  }

  private async runDrain(deadlineMs: number): Promise<DrainResult> {
    await this.starting?.catch(() => undefined);
    if (this.stopping || this.state === 'stopped') {
      await this.stopping;
      return { forcedNodes: [] };
    }
    const wasRunning = this.state === 'running';
    this.lifecycle.transition('draining');
    this.logger.info({ deadline: new Date(deadlineMs).toISOString() }, 'pipeline draining');
    const finished = wasRunning
      ? await drainInOrder({
          runners: this.runners,
          upstream: this.plan.upstream,
          deadlineMs,
          abandoned: this.abandonment.signal,
          report: (node, error) => this.report(node, error, false),
        })
      : new Set(this.runners.map((r) => r.name));
    const forced = this.runners.filter((r) => !finished.has(r.name)).map((r) => r.name);
    if (forced.length > 0) this.abandon('drain deadline passed');
    const unstopped = await this.stopNodes(Math.max(deadlineMs, Date.now() + STOP_GRACE_MS));
    for (const name of unstopped) if (!forced.includes(name)) forced.push(name);
    this.toStopped();
    this.logger.info({ forcedNodes: forced }, 'pipeline drained');
    return { forcedNodes: forced };
  }

  /**
   * Stops every node whose start was attempted, then the extensions (nodes may use them until they are stopped), once;
   * returns those that did not stop by `untilMs`.
   */
  private stopNodes(untilMs: number): Promise<string[]> {
    this.stoppingNodes ??= (async () => {
      const nodes = await stopInOrder(this.attempted, untilMs, (node, error) => this.report(node, error, false));
      const extensions = await this.extensions.stop(Math.max(untilMs, Date.now() + STOP_GRACE_MS));
      return [...nodes, ...extensions];
    })();
    return this.stoppingNodes;
  }

  /** Gives up on everything queued or in flight, once; logs the loss in one line. */
  private abandon(reason: string): void {
    if (this.abandonment.signal.aborted) return;
    const dropped: Record<string, number> = {};
    let items = 0;
    for (const runner of this.runners) {
      const count = runner.abandon();
      if (count > 0) dropped[runner.name] = count;
      items += count;
    }
    // After the runners are marked abandoned, so a woken retry loop sees it.
    this.abandonment.abort();
    if (items > 0) this.logger.warn({ reason, items, dropped }, 'pipeline abandoned queued data: items dropped');
  }

  private toStopped(): void {
    if (this.state !== 'stopped') this.lifecycle.transition('stopped');
  }

  private report(node: string, error: Error, fatal: boolean): void {
    this.logger[fatal ? 'error' : 'warn']({ node, err: error, fatal }, 'node error');
    for (const listener of this.listeners) {
      try {
        listener(node, error, fatal);
      } catch (listenerError) {
        this.logger.error({ err: listenerError }, 'node error listener threw');
      }
    }
  }
}

function closeDatagrams(socket: DatagramSocket): void {
  try {
    socket.close();
  } catch {
    // Already closed.
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
