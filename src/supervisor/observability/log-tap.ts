// Upstream's in-memory log tap (`engine.telemetry.logs.tap`): the engine's most recent log lines, bounded by count and
// by bytes, each with a sequence number so that a reader can ask for what came after the last one it saw
// (`GET /api/v1/telemetry/logs?after=`). It keeps the supervisor's lines (its own and its admin API's, whatever their
// provider but `noop`) and the lines instances send to the supervisor (provider `its`). Recording is a parse and a push:
// it never waits, and the oldest entries go first when a bound is reached (counted as dropped on retention).
import type { LogOrigin } from '../../ipc/telemetry.js';
import { tagAttributes, type AttributeScalar, type LogContext, type LogEntry, type LogsPage, type LogsQuery } from '../../state/telemetry-types.js';

export interface LogTapBounds {
  maxEntries: number;
  maxBytes: number;
}

interface Retained {
  entry: LogEntry;
  bytes: number;
}

/** pino's numeric levels by name, as upstream spells its levels. */
const LEVELS: ReadonlyArray<[number, string]> = [
  [60, 'FATAL'],
  [50, 'ERROR'],
  [40, 'WARN'],
  [30, 'INFO'],
  [20, 'DEBUG'],
  [0, 'TRACE'],
];

/** Fields every line has, shown in their own columns rather than as `key=value`. */
const OWN_COLUMNS = new Set(['time', 'level', 'msg', 'pid', 'hostname', 'component']);

const TARGETS: Record<LogOrigin, string> = { controller: 'controller', admin: 'admin', pipeline: 'pipeline' };

export class LogTap {
  private entries: Retained[] = [];
  /** Index of the oldest retained entry in `entries` (dropping from the front without copying each time). */
  private head = 0;
  private retainedBytes = 0;
  private nextSeq = 1;
  private droppedOnRetention = 0;
  private droppedOnIngest = 0;

  constructor(private readonly bounds: LogTapBounds) {}

  /** One pino JSON line (or any text: a line that is not JSON is kept as it was written). */
  record(line: string, origin: LogOrigin): void {
    const text = line.endsWith('\n') ? line.slice(0, -1) : line;
    if (text.length === 0) return;
    const bytes = Buffer.byteLength(text);
    this.entries.push({ entry: toEntry(this.nextSeq++, text, origin), bytes });
    this.retainedBytes += bytes;
    while (this.size() > this.bounds.maxEntries || (this.retainedBytes > this.bounds.maxBytes && this.size() > 0)) {
      this.retainedBytes -= this.entries[this.head]!.bytes;
      this.head++;
      this.droppedOnRetention++;
    }
    // Compact once the dropped prefix outweighs what is kept, so memory stays bounded by the bounds.
    if (this.head > 64 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /** Lines lost before they reached the tap (an instance could not hand them over in time). */
  countDropped(lines: number): void {
    this.droppedOnIngest += lines;
  }

  query({ after, limit }: LogsQuery): LogsPage {
    const live = this.entries.slice(this.head);
    const oldest = live[0]?.entry.seq ?? null;
    const newest = live.at(-1)?.entry.seq ?? null;
    const picked = after === undefined ? live.slice(Math.max(0, live.length - limit)) : live.filter((r) => r.entry.seq > after).slice(0, limit);
    const logs = picked.map((r) => r.entry);
    return {
      oldest_seq: oldest,
      newest_seq: newest,
      next_seq: logs.at(-1)?.seq ?? after ?? 0,
      // The reader missed entries: some after its `after` were dropped before it came back.
      truncated_before_seq: after !== undefined && oldest !== null && after < oldest - 1 ? oldest : null,
      dropped_on_ingest: this.droppedOnIngest,
      dropped_on_retention: this.droppedOnRetention,
      retained_bytes: this.retainedBytes,
      logs,
    };
  }

  private size(): number {
    return this.entries.length - this.head;
  }
}

function toEntry(seq: number, text: string, origin: LogOrigin): LogEntry {
  let fields: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    fields = parsed as Record<string, unknown>;
  } catch {
    return { seq, timestamp: new Date().toISOString(), level: 'INFO', target: TARGETS[origin], event_name: '', file: null, line: null, rendered: text, contexts: [] };
  }
  const timestamp = typeof fields.time === 'string' ? fields.time : new Date(typeof fields.time === 'number' ? fields.time : Date.now()).toISOString();
  const level = levelName(fields.level);
  const target = typeof fields.component === 'string' ? fields.component : TARGETS[origin];
  const message = typeof fields.msg === 'string' ? fields.msg : '';
  const rest = Object.entries(fields)
    .filter(([key]) => !OWN_COLUMNS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return {
    seq,
    timestamp,
    level,
    target,
    event_name: message,
    file: null,
    line: null,
    rendered: [`${timestamp} ${level} ${target}: ${message}`, ...rest].join(' '),
    contexts: contexts(fields),
  };
}

function levelName(level: unknown): string {
  if (typeof level === 'string') return level.toUpperCase();
  const value = typeof level === 'number' ? level : 30;
  return LEVELS.find(([floor]) => value >= floor)![1];
}

/** The pipeline instance a line is about, with upstream's attribute names. */
function contexts(fields: Record<string, unknown>): LogContext[] {
  const { group, pipeline, core, generation } = fields;
  if (typeof group !== 'string' || typeof pipeline !== 'string') return [];
  const attributes: Record<string, AttributeScalar> = { 'pipeline.group.id': group, 'pipeline.id': pipeline };
  let key = `${group}:${pipeline}`;
  if (typeof core === 'number') {
    attributes['core.id'] = core;
    key += `/core-${core}`;
  }
  if (typeof generation === 'number') {
    attributes['deployment.generation'] = generation;
    key += `/gen-${generation}`;
  }
  return [{ entity_key: key, schema_name: 'pipeline', attributes: tagAttributes(attributes) }];
}
