// processor:type_router: sends each message on the output port named after its signal (`logs`, `metrics`, `traces`),
// without decoding it. A signal whose port has no connection goes to the node's default output instead, as upstream
// resolves it: the `default` port (a plain `from: router` connection) when connected, else the only connected port if
// there is just one; with no default output, the runtime drops it, counts it and tells a waiting receiver.
//
// The router never lets one full output hold up the others (upstream's selected-route admission):
// - `reject_immediately`: a message whose output is full is refused at once: its acknowledgement fails (a waiting
//   client is told to retry) and it counts as refused. The other signals keep flowing.
// - `backpressure`: a message whose output is full is parked (one per output) while the router goes on with the others;
//   a further message for a parked output is refused; only when every output in use has a parked message does the
//   router wait, which pushes back on its input.
import { failAcks } from '../../../pipeline/ack.js';
import { Episode } from '../../../pipeline/episode.js';
import type { NodeContext, NodeInstance, Processor } from '../../../pipeline/node.js';
import type { PData, Signal } from '../../../pipeline/pdata.js';
import type { OnFull, TypeRouterProcessorConfig } from './descriptor.js';
import { TYPE_ROUTER_PORTS } from './ports.js';

const DEFAULT_PORT = 'default';

export class TypeRouterProcessor implements Processor {
  /** Per signal, the port it goes out on; undefined: the node's default port. */
  private routes: Record<Signal, string | undefined> = { logs: 'logs', metrics: 'metrics', traces: 'traces' };
  /** Ports some signal is routed to and which are connected: those whose parking can hold the router. */
  private live = new Set<string>(TYPE_ROUTER_PORTS);
  /** backpressure: the send waiting for room, per output port. */
  private readonly parked = new Map<string, Promise<void>>();
  private refusals: Episode | undefined;

  constructor(
    private readonly name: string,
    private readonly onFull: OnFull,
  ) {}

  async start(ctx: NodeContext): Promise<void> {
    this.refusals = new Episode(ctx.logger, 'an output is full: refusing data for it (admission_policy.on_full)');
    // Without the runtime's answer (a test double), every named port counts as connected.
    const connected = new Set(ctx.connectedPorts?.() ?? TYPE_ROUTER_PORTS);
    const fallback = connected.has(DEFAULT_PORT) || connected.size !== 1 ? undefined : [...connected][0];
    const live = new Set<string>();
    for (const signal of TYPE_ROUTER_PORTS) {
      const route = connected.has(signal) ? signal : fallback;
      this.routes[signal] = route;
      const port = route ?? DEFAULT_PORT;
      if (connected.has(port)) live.add(port);
    }
    this.live = live;
  }

  process(pdata: PData, ctx: NodeContext): Promise<void> | void {
    const port = this.routes[pdata.signal];
    if (this.onFull === 'reject_immediately') {
      // tryEmit counts a refusal itself, and drops (counted) what has no connection at all.
      if (!ctx.tryEmit(pdata, port)) this.refuse(pdata, port, ctx, false);
      else this.refusals?.end();
      return;
    }
    return this.admitOrPark(pdata, port, ctx);
  }

  /** Drain: the parked messages go on as their outputs take them. */
  async flush(): Promise<void> {
    while (this.parked.size > 0) await Promise.race(this.parked.values());
  }

  private async admitOrPark(pdata: PData, port: string | undefined, ctx: NodeContext): Promise<void> {
    const key = port ?? DEFAULT_PORT;
    if (this.parked.has(key)) return this.refuse(pdata, port, ctx, true);
    const leave = (): void => {
      if (this.parked.get(key) === sent) this.parked.delete(key);
    };
    // A closed output already failed the acks and counted the items: a rejection only ends the parking.
    const sent: Promise<void> = ctx.emit(pdata, port).then(leave, leave);
    this.parked.set(key, sent);
    // An output that took the message at once has `leave` queued already: one tick lets it run before anything is
    // decided on this output (microtasks run in order).
    await null;
    if (!this.parked.has(key)) this.refusals?.end();
    // Every output in use is blocked: wait until one of them takes its message.
    while (this.live.size > 0 && [...this.live].every((p) => this.parked.has(p))) await Promise.race(this.parked.values());
  }

  private refuse(pdata: PData, port: string | undefined, ctx: NodeContext, count: boolean): void {
    const output = port ?? DEFAULT_PORT;
    if (count) ctx.recordDropped?.(pdata);
    this.refusals?.hit(pdata.items, { port: output, signal: pdata.signal });
    failAcks(pdata, `node "${this.name}": output "${output}" is full (admission_policy.on_full: ${this.onFull})`);
  }
}

export function createTypeRouterProcessor(name: string, config: Record<string, unknown>): NodeInstance {
  const onFull = (config as Partial<TypeRouterProcessorConfig>).admission_policy?.on_full ?? 'reject_immediately';
  return { kind: 'processor', node: new TypeRouterProcessor(name, onFull) };
}
