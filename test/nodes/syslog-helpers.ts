// Reads back what the syslog receiver makes of messages: OTLP/JSON log records, with attributes flattened to
// `{ key: value }` (ints as numbers), for tests that compare them with upstream's mapping.
import { otlpProtoToJson } from '../../src/pdata/json.js';
import type { PData } from '../../src/pipeline/pdata.js';
import { encodeLogRecord, encodeLogsRequest } from '../../src/nodes/receivers/syslog-cef/encode.js';
import { parseSyslog } from '../../src/nodes/receivers/syslog-cef/parser/parse.js';
import { logRecordFields } from '../../src/nodes/receivers/syslog-cef/record.js';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface SimpleRecord {
  timeUnixNano: string | undefined;
  observedTimeUnixNano: string | undefined;
  severityNumber: number | undefined;
  severityText: string | undefined;
  body: string | undefined;
  attributes: Record<string, string | number>;
  /** Attribute keys in the order they were written. */
  keys: string[];
}

export function simplify(record: Json): SimpleRecord {
  const attributes: Record<string, string | number> = {};
  const keys: string[] = [];
  for (const kv of (record.attributes ?? []) as Json[]) {
    keys.push(kv.key);
    const v = kv.value ?? {};
    attributes[kv.key] = v.intValue !== undefined ? Number(v.intValue) : v.stringValue;
  }
  const severity = record.severityNumber;
  return {
    timeUnixNano: record.timeUnixNano,
    observedTimeUnixNano: record.observedTimeUnixNano,
    severityNumber: typeof severity === 'string' ? undefined : severity,
    severityText: record.severityText,
    body: record.body?.stringValue,
    attributes,
    keys,
  };
}

/** Every log record of `emitted`, simplified, in order. */
export function recordsOf(emitted: readonly PData[]): SimpleRecord[] {
  const out: SimpleRecord[] = [];
  for (const pdata of emitted) {
    const decoded = otlpProtoToJson('logs', pdata.payload);
    if (!decoded.ok) throw new Error(decoded.reason);
    for (const rl of (decoded.json.resourceLogs ?? []) as Json[])
      for (const sl of (rl.scopeLogs ?? []) as Json[]) for (const lr of (sl.logRecords ?? []) as Json[]) out.push(simplify(lr));
  }
  return out;
}

/** The log record the receiver writes for one message (undefined when the message is refused). */
export function recordOf(message: string | Buffer): SimpleRecord | undefined {
  const parsed = parseSyslog(Buffer.isBuffer(message) ? message : Buffer.from(message, 'utf8'));
  if (!parsed.ok) return undefined;
  const payload = encodeLogsRequest([encodeLogRecord(logRecordFields(parsed.message))], 1_700_000_000_000_000_000n);
  const [record] = recordsOf([{ signal: 'logs', payload, items: 1 }]);
  return record;
}
