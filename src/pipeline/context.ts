// The NodeContext the runtime hands to a node: its way out of the node. An emit on a port fans out to every node
// connected to that port; the same PData object goes to all of them, so nodes treat pdata as immutable.
import type { Logger } from 'pino';
import { failAcks, holdAcks, releaseAcks } from './ack.js';
import { ChannelClosedError, type Channel } from './channel.js';
import type { OneOfChannels } from './dispatch.js';
import { Episode } from './episode.js';
import { DEFAULT_PORT } from './graph.js';
import type { NodeContext } from './node.js';
import type { PData } from './pdata.js';
import { countDropped, countReceived, countRefused, countSent, type Counted, type MutableCounters } from './counters.js';

const RESOLVED: Promise<void> = Promise.resolve();

export type ErrorSink = (node: string, error: Error, fatal: boolean) => void;

export class RuntimeContext implements NodeContext {
  private readonly refusals: Episode;
  private readonly drops: Episode;

  constructor(
    readonly name: string,
    readonly logger: Logger,
    private readonly ports: ReadonlyMap<string, readonly Channel<PData>[]>,
    private readonly counters: MutableCounters,
    private readonly errors: ErrorSink,
    /** Receivers count what they offer as received; other nodes count what they take from their input. */
    private readonly countOffered: boolean,
    /** Per port, the groups of which each message reaches one member (dispatch one_of); most ports have none. */
    private readonly choices: ReadonlyMap<string, readonly OneOfChannels[]> = new Map(),
    /** See NodeContext.awaitStorage: set for receivers with a durable buffer downstream. */
    readonly awaitStorage = false,
  ) {
    this.refusals = new Episode(logger, 'downstream full: refusing data');
    this.drops = new Episode(logger, 'dropping data that has nowhere to go');
  }

  // Arrow properties rather than methods: nodes may pass `ctx.emit` around detached from `ctx`.
  readonly emit = (pdata: PData, port: string = DEFAULT_PORT): Promise<void> => {
    if (this.countOffered) countReceived(this.counters, pdata);
    const targets = this.targetsOf(port);
    if (targets === undefined || targets.length === 0) return this.unrouted(pdata, port);
    for (const channel of targets) {
      // All or nothing: a stopped downstream means the pipeline is going away, so send nowhere.
      if (channel.closed) {
        countDropped(this.counters, pdata);
        this.drops.hit(pdata.items, { port, reason: 'downstream closed' });
        failAcks(pdata, `node "${this.name}": downstream closed`);
        return Promise.reject(new ChannelClosedError(`node "${this.name}": downstream of port "${port}" is closed`));
      }
    }
    // One reference per delivery, taken before the data can reach (and be released by) its consumer.
    holdAcks(pdata, targets.length);
    let waits: Promise<void>[] | undefined;
    for (const channel of targets) {
      if (!channel.trySend(pdata)) (waits ??= []).push(pdata.acks ? this.sendHeld(channel, pdata) : channel.send(pdata));
    }
    if (waits === undefined) {
      countSent(this.counters, pdata);
      return RESOLVED;
    }
    // Items aborted while waiting are counted as dropped by the channel's owner, not here.
    return (waits.length === 1 ? (waits[0] as Promise<void>) : Promise.all(waits)).then(() => countSent(this.counters, pdata));
  };

  readonly tryEmit = (pdata: PData, port: string = DEFAULT_PORT): boolean => {
    if (this.countOffered) countReceived(this.counters, pdata);
    const targets = this.targetsOf(port);
    if (targets === undefined || targets.length === 0) {
      void this.unrouted(pdata, port);
      return true;
    }
    for (const channel of targets) {
      if (!channel.hasRoom) {
        countRefused(this.counters, pdata);
        this.refusals.hit(pdata.items, { port, reason: channel.closed ? 'downstream closed' : 'downstream full' });
        return false;
      }
    }
    holdAcks(pdata, targets.length);
    for (const channel of targets) channel.trySend(pdata);
    countSent(this.counters, pdata);
    this.refusals.end();
    return true;
  };

  readonly connectedPorts = (): readonly string[] => [...this.ports].filter(([, targets]) => targets.length > 0).map(([port]) => port);

  readonly recordDropped = (pdata: Counted): void => {
    countDropped(this.counters, pdata);
  };

  readonly recordRefused = (pdata: PData): void => {
    countRefused(this.counters, pdata);
  };

  readonly countUnauthorized = (requests: number): void => {
    this.counters.requestsUnauthorized = (this.counters.requestsUnauthorized ?? 0) + requests;
  };

  readonly reportError = (error: Error, fatal = true): void => {
    this.errors(this.name, error, fatal);
  };

  /** The channels one message on `port` goes to: every fixed target, and the chosen member of each one_of group. */
  private targetsOf(port: string): readonly Channel<PData>[] | undefined {
    const fixed = this.ports.get(port);
    const groups = this.choices.get(port);
    if (groups === undefined) return fixed;
    const targets = fixed === undefined ? [] : fixed.slice();
    for (const group of groups) targets.push(group.pick());
    return targets;
  }

  private unrouted(pdata: PData, port: string): Promise<void> {
    countDropped(this.counters, pdata);
    this.drops.hit(pdata.items, { port, reason: 'no connection on this port' });
    failAcks(pdata, `node "${this.name}": no connection on port "${port}"`);
    return RESOLVED;
  }

  /** A delivery that never got into its channel (closed or aborted while waiting) gives its reference back. */
  private sendHeld(channel: Channel<PData>, pdata: PData): Promise<void> {
    return channel.send(pdata).catch((error: unknown) => {
      releaseAcks(pdata, `node "${this.name}": downstream closed`);
      throw error;
    });
  }
}
