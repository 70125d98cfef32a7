// Upstream's mapping of a parsed message onto an OTLP log record: time from the syslog timestamp, severity from the
// syslog severity (OTel logs data model, appendix B), the raw input as body only when the message was not fully
// parsed, and `syslog.*`, `cef.*`, the CEF extension keys and `input.format` as attributes, in upstream's order.
import { cefExtensions } from './parser/cef.js';
import { bsdNanos, rfc3339Nanos } from './parser/timestamp.js';
import { isFullyParsed, type CefMessage, type ParsedMessage, type Priority, type Rfc3164Message, type Rfc5424Message } from './parser/types.js';

/** A string value is kept as bytes (UTF-8 checked when encoded), an int as a bigint (int64). */
export type AttributeValue = Buffer | string | bigint;
export type Attribute = readonly [key: string, value: AttributeValue];

export interface LogRecordFields {
  /** Nanoseconds since the epoch; undefined when the message had no timestamp that parses. */
  timeNs: bigint | undefined;
  severityNumber: number;
  severityText: string;
  /** The raw message, for one that was only partly parsed. */
  body: Buffer | undefined;
  attributes: Attribute[];
}

const OTEL_SEVERITY: ReadonlyArray<readonly [number, string]> = [
  [21, 'FATAL'], // emergency
  [19, 'ERROR3'], // alert
  [18, 'ERROR2'], // critical
  [17, 'ERROR'], // error
  [13, 'WARN'], // warning
  [10, 'INFO2'], // notice
  [9, 'INFO'], // informational
  [5, 'DEBUG'], // debug
];
const UNSPECIFIED = [0, 'UNSPECIFIED'] as const;
const I64_MAX = (1n << 63n) - 1n;
const I64_MIN = -(1n << 63n);
const SIGNED_DIGITS = /^[+-]?[0-9]+$/;

export function logRecordFields(message: ParsedMessage): LogRecordFields {
  const attributes: Attribute[] = [];
  let timeNs: bigint | undefined;
  let priority: Priority | undefined;
  switch (message.format) {
    case 'rfc5424':
    case 'cef_rfc5424':
      timeNs = message.syslog.timestamp ? rfc3339Nanos(message.syslog.timestamp) : undefined;
      priority = message.syslog.priority;
      rfc5424Attributes(message.syslog, attributes);
      break;
    case 'rfc3164':
    case 'cef_rfc3164':
      timeNs = message.syslog.timestamp ? bsdNanos(message.syslog.timestamp.toString('latin1')) : undefined;
      priority = message.syslog.priority;
      rfc3164Attributes(message.syslog, attributes);
      break;
    case 'cef':
      break;
  }
  if (message.format === 'cef' || message.format === 'cef_rfc5424' || message.format === 'cef_rfc3164') {
    cefAttributes(message.cef, attributes);
  }
  attributes.push(['input.format', message.format]);
  const [severityNumber, severityText] = priority ? (OTEL_SEVERITY[priority.severity] ?? UNSPECIFIED) : UNSPECIFIED;
  return { timeNs, severityNumber, severityText, body: isFullyParsed(message) ? undefined : message.input, attributes };
}

function rfc5424Attributes(m: Rfc5424Message, out: Attribute[]): void {
  out.push(
    ['syslog.version', BigInt(m.version)],
    ['syslog.facility', BigInt(m.priority.facility)],
    ['syslog.severity', BigInt(m.priority.severity)],
  );
  if (m.hostname) out.push(['syslog.host_name', m.hostname]);
  if (m.appName) out.push(['syslog.app_name', m.appName]);
  if (m.procId) {
    // PROCID is any printable text; it is also given as an int when it is one.
    out.push(['syslog.process_id_str', m.procId]);
    const pid = int64(m.procId);
    if (pid !== undefined) out.push(['syslog.process_id', pid]);
  }
  if (m.msgId) out.push(['syslog.msg_id', m.msgId]);
  if (m.structuredData) out.push(['syslog.structured_data', m.structuredData]);
  if (m.message) out.push(['syslog.message', m.message]);
}

function rfc3164Attributes(m: Rfc3164Message, out: Attribute[]): void {
  if (m.priority) out.push(['syslog.facility', BigInt(m.priority.facility)], ['syslog.severity', BigInt(m.priority.severity)]);
  if (m.hostname) out.push(['syslog.host_name', m.hostname]);
  if (m.tag) out.push(['syslog.tag', m.tag]);
  if (m.appName) out.push(['syslog.app_name', m.appName]);
  // The parser keeps only all-digit pids; one too large for an int64 reads as 0, as upstream has it.
  if (m.procId) out.push(['syslog.process_id', int64(m.procId) ?? 0n]);
  if (m.content) out.push(['syslog.content', m.content]);
}

function cefAttributes(m: CefMessage, out: Attribute[]): void {
  out.push(
    ['cef.version', BigInt(m.version)],
    ['cef.device_vendor', m.deviceVendor],
    ['cef.device_product', m.deviceProduct],
    ['cef.device_version', m.deviceVersion],
    ['cef.device_event_class_id', m.deviceEventClassId],
    ['cef.name', m.name],
    ['cef.severity', m.severity],
  );
  for (const pair of cefExtensions(m.extensions)) out.push(pair);
}

function int64(text: Buffer): bigint | undefined {
  const s = text.toString('latin1');
  if (!SIGNED_DIGITS.test(s)) return undefined;
  const value = BigInt(s);
  return value > I64_MAX || value < I64_MIN ? undefined : value;
}
