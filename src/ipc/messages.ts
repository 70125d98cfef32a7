// The IPC protocol between the supervisor and an instance: one discriminated union per direction, on `type`.
// Both sides handle them with an exhaustive Record<Msg['type'], Handler>, so a new message cannot be forgotten.
import type { EffectivePipeline } from '../config/effective.js';
import type { ListenerSpec } from '../pipeline/node.js';
import type { NodeCounters } from '../pipeline/counter-types.js';
import type { InstanceTelemetry, TelemetryBatch } from './telemetry.js';

/** Who an instance is: every event, metric and log line of it carries these. */
export interface InstanceIdentity {
  group: string;
  pipeline: string;
  core: number;
  generation: number;
}

export interface InstanceSpec extends InstanceIdentity {
  config: EffectivePipeline;
  listeners: ListenerSpec[];
  heartbeatIntervalMs: number;
  logLevel: string;
  logFormat: 'json' | 'pretty';
  /** engine.telemetry as this instance acts on it; absent: console lines. */
  telemetry?: InstanceTelemetry;
}

// supervisor -> instance
export type SupervisorMessage =
  | { type: 'start'; spec: InstanceSpec }
  /** Receivers stop admitting, the graph flushes, exporters flush, then `drained`. */
  | { type: 'drain'; deadlineMs: number }
  /** Sent with a net.Socket handle: a connection the supervisor accepted for `listenerId`. */
  | { type: 'connection'; listenerId: string }
  /** Sent with the supervisor's bound UDP handle for `udp` listener `listenerId` (a descriptor of the same socket). */
  | { type: 'datagram_socket'; listenerId: string; family: 'udp4' | 'udp6' }
  /** The engine's own logs and metrics, to the observability instance's receiver:internal_telemetry. */
  | { type: 'telemetry'; batch: TelemetryBatch };

// instance -> supervisor
export type InstanceMessage =
  | { type: 'admitted'; pid: number }
  /** Sent before each node starts: if the process dies now, this node is the likely cause. */
  | { type: 'node_starting'; node: string }
  | { type: 'ready' }
  | { type: 'heartbeat'; cpuPercent: number; rssBytes: number; nodes: Record<string, NodeCounters> }
  | { type: 'drain_started' }
  /** `nodes`: the final counters, so that a drained instance's last seconds are not lost from the totals. */
  | { type: 'drained'; forcedNodes: string[]; nodes: Record<string, NodeCounters> }
  | { type: 'error'; node?: string; message: string; fatal: boolean }
  /** The instance's own log lines, for the observability pipeline; `dropped`: lines it had no room for since the last. */
  | { type: 'logs'; lines: string[]; dropped: number };

export type SupervisorMessageType = SupervisorMessage['type'];
export type InstanceMessageType = InstanceMessage['type'];

export type HandlerMap<M extends { type: string }, Extra extends unknown[] = []> = {
  [K in M['type']]: (msg: Extract<M, { type: K }>, ...extra: Extra) => void;
};

/** Dispatch with an exhaustive handler table; unknown shapes are refused rather than trusted. */
export function dispatch<M extends { type: string }, Extra extends unknown[]>(
  handlers: HandlerMap<M, Extra>,
  raw: unknown,
  ...extra: Extra
): boolean {
  if (typeof raw !== 'object' || raw === null || typeof (raw as { type?: unknown }).type !== 'string') return false;
  const handler = (handlers as Record<string, ((m: unknown, ...e: Extra) => void) | undefined>)[(raw as { type: string }).type];
  if (!handler) return false;
  handler(raw, ...extra);
  return true;
}
