// The supervisor owns every listening socket (DESIGN.md §2). Each accepted connection is handed to one serving
// instance of the pipeline that owns the address, so cutover is one routing switch here and no connection is refused
// while instances come and go. Connections that arrive while no instance serves wait, bounded in number and time.
// Routing is per core: each core of a pipeline has at most one target, set by an explicit cutover that names it (and
// so its generation) and removed when the core is taken out of service. Nothing else changes where connections go.
import net from 'node:net';
import type { Logger } from 'pino';
import type { ListenerSpec } from '../pipeline/node.js';
import { DatagramListeners, type DatagramTarget } from './datagram-listeners.js';

/** Something that can take a connection: a serving instance. */
export interface ConnectionTarget extends DatagramTarget {
  readonly key: string;
  /** The deployment generation the target runs. */
  readonly generation: number;
  /** Whether this target's pipeline config has listener `listenerId` on `address` (generations may differ). */
  serves(listenerId: string, address: string): boolean;
  /** false when the target cannot take it (not ready yet, or its IPC channel closed); the table then tries another. */
  handOver(listenerId: string, socket: net.Socket): boolean;
}

interface Entry {
  owner: string;
  spec: ListenerSpec;
  server: net.Server;
  boundAddress: string;
  targets: ConnectionTarget[];
  nextTarget: number;
  waiting: Array<{ socket: net.Socket; timer: NodeJS.Timeout }>;
}

export interface ListenerTableOptions {
  logger: Logger;
  /** Connections held while no instance serves. */
  maxWaiting?: number;
  waitTimeoutMs?: number;
}

export class ListenerTable {
  private readonly entries = new Map<string, Entry>();
  /** Per pipeline, per core: the target that takes the core's share of new connections. */
  private readonly routes = new Map<string, Map<number, ConnectionTarget>>();
  private readonly maxWaiting: number;
  private readonly waitTimeoutMs: number;
  private waitingOverflowLogged = false;
  /** `udp` listeners: nothing to accept, every serving instance reads the one socket (datagram-listeners.ts). */
  private readonly datagrams: DatagramListeners;

  constructor(private readonly options: ListenerTableOptions) {
    this.datagrams = new DatagramListeners(options.logger);
    this.maxWaiting = options.maxWaiting ?? 1024;
    this.waitTimeoutMs = options.waitTimeoutMs ?? 10_000;
  }

  /** Binds `spec.address` for `owner` (a pipeline key); idempotent. Resolves with the bound host:port. */
  async bind(owner: string, spec: ListenerSpec): Promise<string> {
    if (spec.protocol === 'udp') {
      const bound = await this.datagrams.bind(owner, spec);
      this.reroute(owner);
      return bound;
    }
    const key = entryKey(owner, spec);
    const existing = this.entries.get(key);
    if (existing) return existing.boundAddress;
    const { host, port } = splitAddress(spec.address);
    const server = net.createServer({ pauseOnConnect: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true, backlog: 1024 }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address() as net.AddressInfo;
    const boundAddress = addr.family === 'IPv6' ? `[${addr.address}]:${addr.port}` : `${addr.address}:${addr.port}`;
    const entry: Entry = { owner, spec, server, boundAddress, targets: [], nextTarget: 0, waiting: [] };
    server.on('connection', (socket) => this.route(entry, socket));
    server.on('error', (error) => this.options.logger.error({ err: error, listener: spec.id }, 'listener error'));
    this.entries.set(key, entry);
    // Targets already routed to the pipeline whose config has this listener serve it from now on.
    this.reroute(owner);
    const [group, pipeline] = owner.split(':');
    this.options.logger.info({ group, pipeline, listener: spec.id, protocol: spec.protocol, address: boundAddress }, 'listener bound');
    return boundAddress;
  }

  /**
   * The cutover on `core` of `owner`: from now on `target`, of the generation it runs, takes the core's share of new
   * connections, and whatever was routed there before takes none (it drains). A target that is not ready yet (a restart
   * by recovery) is skipped until `resume`.
   */
  cutOver(owner: string, core: number, target: ConnectionTarget): void {
    const routes = this.routes.get(owner) ?? new Map<number, ConnectionTarget>();
    this.routes.set(owner, routes);
    const previous = routes.get(core);
    routes.set(core, target);
    if (previous?.generation !== target.generation) {
      this.options.logger.debug({ owner, core, generation: target.generation, previousGeneration: previous?.generation ?? null }, 'cutover');
    }
    this.reroute(owner);
  }

  /** `core` of `owner` takes no new connections any more (resize down, shutdown, a create rolled back). */
  withdraw(owner: string, core: number): void {
    const routes = this.routes.get(owner);
    if (!routes?.delete(core)) return;
    if (routes.size === 0) this.routes.delete(owner);
    this.reroute(owner);
  }

  /** A routed target of `owner` became ready: connections held meanwhile go to it, datagram sockets are shared with it. */
  resume(owner: string): void {
    this.reroute(owner);
  }

  /** The target routed to each core of `owner`, in core order. */
  routing(owner: string): ReadonlyMap<number, ConnectionTarget> {
    return new Map([...(this.routes.get(owner) ?? [])].sort(([a], [b]) => a - b));
  }

  /** Connections of `owner` held now, waiting for a target that can take them. */
  waiting(owner: string): number {
    let held = 0;
    for (const entry of this.entries.values()) if (entry.owner === owner) held += entry.waiting.length;
    return held;
  }

  boundAddresses(owner: string): Array<{ id: string; protocol: ListenerSpec['protocol']; address: string }> {
    return [...this.entries.values()]
      .filter((e) => e.owner === owner)
      .map((e) => ({ id: e.spec.id, protocol: e.spec.protocol, address: e.boundAddress }))
      .concat(this.datagrams.boundAddresses(owner));
  }

  /**
   * Stops accepting for `owner` (or everyone), except the listeners in `keep`, and drops connections still waiting.
   * The listening handle closes at once; close()'s callback is not awaited because a server whose sockets went to
   * children waits for the children to close them, and they close them only when they drain, which comes after this.
   */
  close(owner?: string, keep: ListenerSpec[] = []): void {
    this.datagrams.close(owner, keep);
    const kept = new Set(keep.map((spec) => entryKey(owner ?? '', spec)));
    for (const [key, entry] of this.entries) {
      if (owner !== undefined && entry.owner !== owner) continue;
      if (kept.has(key)) continue;
      this.entries.delete(key);
      for (const w of entry.waiting) {
        clearTimeout(w.timer);
        w.socket.destroy();
      }
      entry.waiting = [];
      entry.server.close();
    }
  }

  private reroute(owner: string): void {
    const targets = [...this.routing(owner).values()];
    this.datagrams.setServing(owner, targets);
    for (const entry of this.entries.values()) {
      if (entry.owner !== owner) continue;
      entry.targets = targets.filter((t) => t.serves(entry.spec.id, entry.spec.address));
      entry.nextTarget = 0;
      this.flushWaiting(entry);
    }
  }

  private route(entry: Entry, socket: net.Socket): void {
    socket.on('error', () => socket.destroy());
    for (let tries = 0; tries < entry.targets.length; tries++) {
      const target = entry.targets[entry.nextTarget % entry.targets.length] as ConnectionTarget;
      entry.nextTarget = (entry.nextTarget + 1) % entry.targets.length;
      if (target.handOver(entry.spec.id, socket)) return;
    }
    this.hold(entry, socket);
  }

  private hold(entry: Entry, socket: net.Socket): void {
    if (entry.waiting.length >= this.maxWaiting) {
      if (!this.waitingOverflowLogged) {
        this.waitingOverflowLogged = true;
        this.options.logger.warn({ listener: entry.spec.id, maxWaiting: this.maxWaiting }, 'no serving instance and too many waiting connections: refusing');
      }
      socket.destroy();
      return;
    }
    const timer = setTimeout(() => {
      entry.waiting = entry.waiting.filter((w) => w.socket !== socket);
      socket.destroy();
    }, this.waitTimeoutMs);
    timer.unref();
    entry.waiting.push({ socket, timer });
  }

  private flushWaiting(entry: Entry): void {
    if (entry.targets.length === 0 || entry.waiting.length === 0) return;
    const waiting = entry.waiting;
    entry.waiting = [];
    this.waitingOverflowLogged = false;
    for (const w of waiting) {
      clearTimeout(w.timer);
      if (!w.socket.destroyed) this.route(entry, w.socket);
    }
  }
}

function entryKey(owner: string, spec: ListenerSpec): string {
  return `${owner}\u0000${spec.id}\u0000${spec.address}`;
}

export function splitAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  const rawHost = address.slice(0, colon);
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  return { host, port: Number(address.slice(colon + 1)) };
}
