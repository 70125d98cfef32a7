// One pino JSON line → one OTLP log record (in its OTLP/JSON form) and the scope it belongs to. As upstream does, the
// entity a line is about (group, pipeline, core, generation, node) becomes scope attributes with upstream's keys, the
// message the body, the level the severity, and every other field a record attribute.
import { anyValue, keyValues, type JsonObject } from './otlp-json.js';
import type { LogOrigin } from '../../../ipc/telemetry.js';

/** pino binding → upstream's entity attribute key. */
const SCOPE_KEYS: Readonly<Record<string, string>> = {
  group: 'pipeline.group.id',
  pipeline: 'pipeline.id',
  core: 'core.id',
  generation: 'deployment.generation',
  node: 'node.id',
  extension: 'extension.id',
};

/** pino level → OTLP severity number and text. */
const SEVERITIES: ReadonlyMap<number, [number, string]> = new Map([
  [10, [1, 'TRACE']],
  [20, [5, 'DEBUG']],
  [30, [9, 'INFO']],
  [40, [13, 'WARN']],
  [50, [17, 'ERROR']],
  [60, [21, 'FATAL']],
]);

export interface LogScope {
  name: string;
  attributes: Record<string, unknown>;
}

export interface ConvertedLog {
  /** Lines about the same entity from the same origin share a scope. */
  scopeKey: string;
  scope: LogScope;
  record: JsonObject;
}

export function scopeName(origin: LogOrigin): string {
  return `otap_engine.${origin}`;
}

export function convertLogLine(origin: LogOrigin, line: string, observedNanos: string): ConvertedLog {
  let fields: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) fields = parsed as Record<string, unknown>;
  } catch {
    // Not a JSON line (a process writing something else): carried as it is.
  }
  const scope: LogScope = { name: scopeName(origin), attributes: {} };
  if (!fields) {
    return { scopeKey: scope.name, scope, record: { observedTimeUnixNano: observedNanos, body: { stringValue: line } } };
  }
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'level' || key === 'time' || key === 'msg' || value === undefined || value === null) continue;
    const scopeKey = SCOPE_KEYS[key];
    if (scopeKey !== undefined) scope.attributes[scopeKey] = value;
    else if (key === 'pid') attributes['process.pid'] = value;
    else if (key === 'err' && typeof value === 'object') Object.assign(attributes, exception(value as Record<string, unknown>));
    else attributes[key] = value;
  }
  const record: JsonObject = { observedTimeUnixNano: observedNanos };
  const time = timeNanos(fields.time);
  if (time !== undefined) record.timeUnixNano = time;
  const severity = typeof fields.level === 'number' ? SEVERITIES.get(fields.level) : undefined;
  if (severity) {
    record.severityNumber = severity[0];
    record.severityText = severity[1];
  }
  if (fields.msg !== undefined) record.body = anyValue(fields.msg);
  const kvs = keyValues(attributes);
  if (kvs.length > 0) record.attributes = kvs;
  return { scopeKey: `${scope.name}\u0000${JSON.stringify(scope.attributes)}`, scope, record };
}

/** pino's serialized error → OpenTelemetry's exception attributes. */
function exception(err: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof err.type === 'string') out['exception.type'] = err.type;
  if (typeof err.message === 'string') out['exception.message'] = err.message;
  if (typeof err.stack === 'string') out['exception.stacktrace'] = err.stack;
  return out;
}

/** ISO time (the engine's JSON format) or epoch milliseconds (pino's default) → nanoseconds as a decimal string. */
function timeNanos(time: unknown): string | undefined {
  const ms = typeof time === 'number' ? time : typeof time === 'string' ? Date.parse(time) : Number.NaN;
  return Number.isFinite(ms) ? (BigInt(Math.round(ms)) * 1_000_000n).toString() : undefined;
}
