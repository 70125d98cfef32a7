// The contract between the pipeline runtime (src/pipeline) and node implementations (src/nodes). A node never sees
// channels or other nodes: it gets a context that emits downstream, and the runtime owns ordering, drain and backpressure.
import type { Socket as DatagramSocket } from 'node:dgram';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { PData, ExportResult } from './pdata.js';
import type { ThroughputStats } from './counter-types.js';

export interface NodeContext {
  /** Name of this node in the pipeline config. */
  readonly name: string;
  readonly logger: Logger;
  /**
   * Sends downstream on `port` (default port when omitted) and resolves once every connected channel accepted it.
   * Waits while a channel is full: that is how backpressure reaches the receiver.
   */
  emit(pdata: PData, port?: string): Promise<void>;
  /** Like emit but never waits: false when a downstream channel is full (the receiver answers 429 / RESOURCE_EXHAUSTED). */
  tryEmit(pdata: PData, port?: string): boolean;
  /**
   * Reports a problem to the supervisor, which records it with the node name. `fatal` (default true) means it keeps the
   * instance from working; pass false for a problem worth recording that the node survives.
   */
  reportError(error: Error, fatal?: boolean): void;
  /**
   * Counts a message this node gave up on after taking it (`itemsDropped`, `bytesDropped`), for a node that holds data
   * beyond `process` (a retry that ran out of time). The node logs the reason itself. Optional so that test doubles
   * need not provide it; the runtime always does.
   */
  recordDropped?(pdata: PData): void;
  /**
   * The output ports that have at least one connection, for a node whose routing depends on what is wired (a router
   * that falls back to its default port, a fanout checking its destinations). Optional so that test doubles need not
   * provide it; the runtime always does.
   */
  connectedPorts?(): readonly string[];
  /**
   * Counts requests a receiver refused because their credentials were missing or not accepted (`requestsUnauthorized`).
   * Optional so that test doubles need not provide it; the runtime always does.
   */
  countUnauthorized?(requests: number): void;
}

export type { ListenerSpec } from '../config/effective.js';

export interface Receiver {
  /** Builds servers; does not accept traffic yet. */
  start(ctx: NodeContext): Promise<void>;
  /** Takes one connection the supervisor accepted on listener `listenerId`. */
  accept(listenerId: string, socket: Socket): void;
  /**
   * Takes this instance's descriptor of the supervisor's datagram socket for `udp` listener `listenerId`, already
   * reading: the receiver listens for 'message' at once and closes it to stop reading (drain). Once per instance.
   */
  acceptDatagrams?(listenerId: string, socket: DatagramSocket): void;
  /** Stops admitting (new requests refused politely, connections told to go), resolves when in-flight requests are answered. */
  drain(deadline: number): Promise<void>;
  /** Releases everything at once (after drain, or at the deadline). */
  stop(): Promise<void>;
}

export interface Processor {
  start?(ctx: NodeContext): Promise<void>;
  process(pdata: PData, ctx: NodeContext): Promise<void> | void;
  /**
   * Emits whatever the processor holds (a batch sends its partial batch). Called on drain; `deadlineMs` (epoch ms) is
   * when the runtime stops waiting, for a processor whose flush waits on something (a retry) to stop in time.
   */
  flush?(ctx: NodeContext, deadlineMs?: number): Promise<void>;
  /**
   * The runtime gives up (drain deadline passed, or an immediate stop): drop whatever the processor still holds, fail
   * its acks, and return how many items that was (counted as dropped by the runtime). Called before `stop`.
   */
  abandon?(): number;
  stop?(): Promise<void>;
}

export interface Exporter {
  /**
   * How many exports the runtime may have waiting on this exporter at once (default 1: one at a time, in order). Read
   * once, when the exporter has started.
   */
  readonly maxInFlight?: number;
  start(ctx: NodeContext): Promise<void>;
  /** A measuring exporter's totals per signal, carried in heartbeats to status and metrics. */
  throughput?(): ThroughputStats;
  /** Sends one message. The runtime retries `retryable` results until the drain deadline. */
  export(pdata: PData): Promise<ExportResult>;
  flush?(): Promise<void>;
  stop(): Promise<void>;
}

export type NodeInstance =
  | { kind: 'receiver'; node: Receiver }
  | { kind: 'processor'; node: Processor }
  | { kind: 'exporter'; node: Exporter };
