// Test-only nodes handed to the runtime through `resolveFactory` (the real receivers are separate work): a receiver
// the test drives by hand, and exporters whose behaviour the test scripts. They exercise the runtime, not themselves.
import type { Socket } from 'node:net';
import type { Exporter, NodeContext, NodeInstance, Processor, Receiver } from '../../../src/pipeline/node.js';
import type { ExportResult, PData } from '../../../src/pipeline/pdata.js';
import type { FactoryResolver, NodeFactory } from '../../../src/pipeline/factory.js';
import { resolveBuiltinFactory } from '../../../src/nodes/implementations.js';

export const TEST_RECEIVER_URN = 'urn:otel:receiver:test';

export class TestReceiver implements Receiver {
  ctx: NodeContext | undefined;
  readonly accepted: { listenerId: string; socket: Socket }[] = [];
  readonly events: string[] = [];
  /** When set, `drain` never finishes (a receiver stuck on a client). */
  hangDrain = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  /** `timeline` is shared between nodes of one test to check the order of lifecycle steps across them. */
  constructor(private readonly timeline: string[] = []) {}

  async start(ctx: NodeContext): Promise<void> {
    this.ctx = ctx;
    this.note('start');
  }

  accept(listenerId: string, socket: Socket): void {
    this.accepted.push({ listenerId, socket });
    socket.resume();
    socket.end('accepted\n');
  }

  /** An emit the receiver counts as an in-flight request until it resolves. */
  emit(pdata: PData): Promise<void> {
    if (!this.ctx) throw new Error('receiver not started');
    const p = this.ctx.emit(pdata);
    const tracked: Promise<void> = p
      .catch(() => undefined)
      .then(() => {
        this.inFlight.delete(tracked);
      });
    this.inFlight.add(tracked);
    return p;
  }

  tryEmit(pdata: PData): boolean {
    if (!this.ctx) throw new Error('receiver not started');
    return this.ctx.tryEmit(pdata);
  }

  async drain(_deadline: number): Promise<void> {
    this.note('drain');
    if (this.hangDrain) await new Promise(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    this.note('drained');
  }

  async stop(): Promise<void> {
    this.note('stop');
  }

  private note(event: string): void {
    this.events.push(event);
    this.timeline.push(`${this.ctx?.name}:${event}`);
  }
}

/** A processor that passes data on, unless `fail` says to throw for a message. */
export class TestProcessor implements Processor {
  fail: (pdata: PData) => boolean = () => false;

  constructor(private readonly timeline: string[] = []) {}

  async start(ctx: NodeContext): Promise<void> {
    this.timeline.push(`${ctx.name}:start`);
  }

  async process(pdata: PData, ctx: NodeContext): Promise<void> {
    if (this.fail(pdata)) throw new Error(`cannot process ${pdata.items} items`);
    await ctx.emit(pdata);
  }

  async flush(ctx: NodeContext): Promise<void> {
    this.timeline.push(`${ctx.name}:flush`);
  }
}

/** An exporter whose answers the test scripts; `gate` holds every export until released. */
export class ScriptedExporter implements Exporter {
  readonly exported: PData[] = [];
  readonly events: string[] = [];
  answer: (pdata: PData, attempt: number) => ExportResult | Promise<ExportResult> = () => ({ kind: 'success' });
  startError: Error | undefined;
  private attempts = 0;
  private name = '?';

  constructor(private readonly timeline: string[] = []) {}

  async start(ctx: NodeContext): Promise<void> {
    this.name = ctx.name;
    this.note('start');
    if (this.startError) throw this.startError;
  }

  async export(pdata: PData): Promise<ExportResult> {
    const result = await this.answer(pdata, this.attempts++);
    if (result.kind === 'success') this.exported.push(pdata);
    return result;
  }

  async flush(): Promise<void> {
    this.note('flush');
  }

  async stop(): Promise<void> {
    this.note('stop');
  }

  private note(event: string): void {
    this.events.push(event);
    this.timeline.push(`${this.name}:${event}`);
  }
}

/** Maps test URNs to fixed instances (by node name); everything else comes from the real catalog. */
export function resolver(nodes: Record<string, TestReceiver | TestProcessor | ScriptedExporter>): FactoryResolver {
  const factory: NodeFactory = (name) => {
    const node = nodes[name];
    if (node instanceof TestReceiver) return { kind: 'receiver', node } satisfies NodeInstance;
    if (node instanceof TestProcessor) return { kind: 'processor', node } satisfies NodeInstance;
    if (node instanceof ScriptedExporter) return { kind: 'exporter', node } satisfies NodeInstance;
    throw new Error(`no test node named ${name}`);
  };
  return async (urn) => (urn.endsWith(':test') ? factory : resolveBuiltinFactory(urn));
}
