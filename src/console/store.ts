// What the console knows, fed by the event stream and by the answers of its own calls. Bounded throughout: a few
// minutes of throughput samples per pipeline and the latest history entries.
import {
  committedConfig,
  type EngineStatus,
  type LogEntry,
  type LogsEvent,
  type NodeCounters,
  type OperationEntry,
  type PipelineConfig,
  type PipelineDescription,
  type PipelineStatus,
  type RolloutStatus,
  type ShutdownStatus,
} from './types.js';

/** Throughput history kept per pipeline: five minutes at one status a second. */
export const SAMPLE_WINDOW_MS = 5 * 60_000;
const HISTORY_LIMIT = 50;
/** The engine's log lines kept by the page, newest last. */
export const LOG_LIMIT = 500;
/** Rates are measured over this long: instances report counters with their heartbeats, not with every status. */
const RATE_WINDOW_MS = 5000;

/** What the page knows of the engine's log tap: not heard yet, off, or its latest lines. */
export type LogState =
  | { tap: 'unknown' }
  | { tap: 'off' }
  | {
      tap: 'on';
      lines: LogEntry[];
      /** Lines the tap dropped before the page could get them, since the page connected. */
      missed: boolean;
    };

export interface Sample {
  at: number;
  /** Items per second that receivers passed into the pipeline, and that reached its exporters. */
  inRate: number;
  outRate: number;
}

export interface NodeActivity {
  inRate: number;
  outRate: number;
  refused: number;
  dropped: number;
  failed: number;
}

export type HistoryEntry =
  | { kind: 'rollout'; key: string; record: RolloutStatus }
  | { kind: 'shutdown'; key: string; record: ShutdownStatus };

interface CounterSnapshot {
  at: number;
  /** Counters by instance (pid and generation: a pid may be reused), then node. */
  byInstance: Map<string, Record<string, NodeCounters>>;
}

export function pipelineKey(group: string, pipeline: string): string {
  return `${group}:${pipeline}`;
}

export function splitKey(key: string): [string, string] {
  const at = key.indexOf(':');
  return [key.slice(0, at), key.slice(at + 1)];
}

/** Node names of a connection end (`node["port"]` names the node's output port). */
function endNames(end: string | string[]): string[] {
  return (Array.isArray(end) ? end : [end]).map((name) => name.replace(/\[.*$/, ''));
}

export function edgesOf(config: PipelineConfig): Array<[string, string]> {
  const edges: Array<[string, string]> = [];
  for (const connection of config.connections ?? []) {
    for (const from of endNames(connection.from)) for (const to of endNames(connection.to)) edges.push([from, to]);
  }
  return edges;
}

function instanceCounters(status: PipelineStatus): Map<string, Record<string, NodeCounters>> {
  const counters = new Map<string, Record<string, NodeCounters>>();
  for (const instance of status.instances) {
    if (instance.nodes !== undefined) counters.set(`${instance.pid}/${instance.deploymentGeneration}`, instance.nodes);
  }
  return counters;
}

/** Items per second of one counter across instances; an instance new since the last snapshot counted from zero. */
function rate(previous: CounterSnapshot, current: CounterSnapshot, node: string, field: keyof NodeCounters): number {
  const seconds = (current.at - previous.at) / 1000;
  if (seconds <= 0) return 0;
  let delta = 0;
  for (const [id, nodes] of current.byInstance) {
    const now = nodes[node]?.[field] ?? 0;
    const before = previous.byInstance.get(id)?.[node]?.[field] ?? 0;
    delta += Math.max(0, now - before);
  }
  return delta / seconds;
}

export class Store {
  status: EngineStatus | undefined;
  readonly rollouts = new Map<string, RolloutStatus>();
  readonly descriptions = new Map<string, PipelineDescription>();
  readonly samples = new Map<string, Sample[]>();
  readonly activity = new Map<string, Record<string, NodeActivity>>();
  history: HistoryEntry[] = [];
  logs: LogState = { tap: 'unknown' };
  /** Counts changes of `logs`, so the log panel is redrawn only when it changed. */
  logsVersion = 0;
  /** Recent counter snapshots per pipeline, oldest first, spanning about RATE_WINDOW_MS. */
  private readonly snapshots = new Map<string, CounterSnapshot[]>();

  applyStatus(status: EngineStatus): void {
    this.status = status;
    const at = Date.parse(status.generatedAt) || Date.now();
    for (const [key, pipeline] of Object.entries(status.pipelines)) this.measure(key, pipeline, at);
    for (const key of [...this.snapshots.keys()]) if (!(key in status.pipelines)) this.forget(key);
  }

  applyRollout(record: RolloutStatus): void {
    const key = pipelineKey(record.pipelineGroupId, record.pipelineId);
    this.rollouts.set(key, record);
    this.record({ kind: 'rollout', key, record });
  }

  /** A record from the engine's history; the card's latest rollout comes from the event `rollout` alone. */
  applyOperation(entry: OperationEntry): void {
    const key = pipelineKey(entry.record.pipelineGroupId, entry.record.pipelineId);
    this.record(entry.kind === 'rollout' ? { kind: 'rollout', key, record: entry.record } : { kind: 'shutdown', key, record: entry.record });
  }

  /** New lines of the tap; a line already known (by its sequence number) is not added twice. */
  applyLogs(event: LogsEvent): void {
    this.logsVersion++;
    if (event.tap === 'off') {
      this.logs = { tap: 'off' };
      return;
    }
    const known = this.logs.tap === 'on' ? this.logs : { tap: 'on' as const, lines: [], missed: false };
    const newest = known.lines.at(-1)?.seq ?? 0;
    const lines = [...known.lines, ...event.logs.filter((line) => line.seq > newest)].slice(-LOG_LIMIT);
    this.logs = { tap: 'on', lines, missed: known.missed || event.truncatedBeforeSeq !== null };
  }

  /** A new connection (the engine may have restarted, and its sequence numbers with it) sends the lines again. */
  resetLogs(): void {
    this.logs = { tap: 'unknown' };
    this.logsVersion++;
  }

  applyShutdown(record: ShutdownStatus): void {
    this.record({ kind: 'shutdown', key: pipelineKey(record.pipelineGroupId, record.pipelineId), record });
  }

  /** Replaces the entry of the same operation, newest first. */
  private record(entry: HistoryEntry): void {
    const id = (e: HistoryEntry): string => (e.kind === 'rollout' ? `r/${e.record.rolloutId}` : `s/${e.record.shutdownId}`);
    const others = this.history.filter((e) => id(e) !== id(entry));
    this.history = [entry, ...others].sort((a, b) => b.record.startedAt.localeCompare(a.record.startedAt)).slice(0, HISTORY_LIMIT);
  }

  private forget(key: string): void {
    this.snapshots.delete(key);
    this.samples.delete(key);
    this.activity.delete(key);
    this.descriptions.delete(key);
    this.rollouts.delete(key);
  }

  private measure(key: string, status: PipelineStatus, at: number): void {
    const current: CounterSnapshot = { at, byInstance: instanceCounters(status) };
    const recent = this.snapshots.get(key) ?? [];
    if (recent.length > 0 && at <= recent[recent.length - 1]!.at) return;
    recent.push(current);
    while (recent.length > 2 && recent[1]!.at <= at - RATE_WINDOW_MS) recent.shift();
    this.snapshots.set(key, recent);
    const previous = recent[0]!;
    // Counters move with heartbeats, seconds apart: measured over less than the window, a rate jumps (a heartbeat's
    // worth of items in one second) and the chart starts with a peak that never was.
    if (current.at - previous.at < RATE_WINDOW_MS) return;
    const nodes = new Set<string>();
    for (const counters of current.byInstance.values()) for (const node of Object.keys(counters)) nodes.add(node);
    const activity: Record<string, NodeActivity> = {};
    for (const node of nodes) {
      let refused = 0;
      let dropped = 0;
      let failed = 0;
      for (const counters of current.byInstance.values()) {
        refused += counters[node]?.itemsRefused ?? 0;
        dropped += counters[node]?.itemsDropped ?? 0;
        failed += counters[node]?.itemsFailed ?? 0;
      }
      activity[node] = {
        inRate: rate(previous, current, node, 'itemsReceived'),
        outRate: rate(previous, current, node, 'itemsSent'),
        refused,
        dropped,
        failed,
      };
    }
    this.activity.set(key, activity);
    const description = this.descriptions.get(key);
    const config = description === undefined ? undefined : committedConfig(description);
    const edges = config === undefined ? [] : edgesOf(config);
    const sources = [...nodes].filter((n) => !edges.some(([, to]) => to === n));
    const sinks = [...nodes].filter((n) => !edges.some(([from]) => from === n));
    const samples = this.samples.get(key) ?? [];
    samples.push({
      at,
      inRate: sources.reduce((sum, n) => sum + (activity[n]?.outRate ?? 0), 0),
      outRate: sinks.reduce((sum, n) => sum + (activity[n]?.inRate ?? 0), 0),
    });
    while (samples.length > 0 && samples[0]!.at < at - SAMPLE_WINDOW_MS) samples.shift();
    this.samples.set(key, samples);
  }
}
