// OTLP protobuf for the receiver's records, written directly: a record is encoded once when its message is parsed,
// and a batch is those bytes behind one ResourceLogs / ScopeLogs (both empty, as upstream sends them), each record
// getting the batch's observed time appended. Field numbers are OTLP's logs.proto and common.proto.
import { isUtf8 } from 'node:buffer';
import { varintSize, writeVarint } from '../../../pdata/wire-reader.js';
import type { Attribute, LogRecordFields } from './record.js';

const TIME_TAG = 0x09; // LogRecord.time_unix_nano, fixed64
const SEVERITY_NUMBER_TAG = 0x10; // LogRecord.severity_number, varint
const SEVERITY_TEXT_TAG = 0x1a; // LogRecord.severity_text
const BODY_TAG = 0x2a; // LogRecord.body
const ATTRIBUTE_TAG = 0x32; // LogRecord.attributes
const OBSERVED_TIME_TAG = 0x59; // LogRecord.observed_time_unix_nano, fixed64
const KEY_TAG = 0x0a; // KeyValue.key
const VALUE_TAG = 0x12; // KeyValue.value
const STRING_VALUE_TAG = 0x0a; // AnyValue.string_value
const INT_VALUE_TAG = 0x18; // AnyValue.int_value, varint
const RESOURCE_LOGS_TAG = 0x0a; // ExportLogsServiceRequest.resource_logs
const SCOPE_LOGS_TAG = 0x12; // ResourceLogs.scope_logs
const LOG_RECORDS_TAG = 0x12; // ScopeLogs.log_records
/** The observed time field appended to every record: tag and 8 bytes. */
const OBSERVED_TIME_SIZE = 9;

/** Valid UTF-8 bytes of a string value: protobuf strings must be UTF-8, so invalid bytes become U+FFFD. */
function utf8(value: Buffer | string): Buffer {
  // Text values are upstream's constants (`input.format`) or CEF extension values: the former are cached with the keys.
  if (typeof value === 'string') return value.length <= 16 ? keyBytes(value) : Buffer.from(value, 'utf8');
  return isUtf8(value) ? value : Buffer.from(value.toString('utf8'), 'utf8');
}

function int64Size(value: bigint): number {
  if (value >= 0n && value < 0x20000000000000n) return varintSize(Number(value));
  return 10;
}

function writeInt64(out: Buffer, at: number, value: bigint): number {
  if (value >= 0n && value < 0x20000000000000n) return writeVarint(out, at, Number(value));
  let v = BigInt.asUintN(64, value);
  for (let i = 0; i < 9; i++) {
    out[at++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  out[at++] = Number(v);
  return at;
}

/** Keys are few (upstream's names and the CEF extension keys a source uses): their bytes are kept, up to a bound. */
const keyCache = new Map<string, Buffer>();
const KEY_CACHE_LIMIT = 4096;
const severityTexts = new Map<string, Buffer>();

function keyBytes(key: string): Buffer {
  let bytes = keyCache.get(key);
  if (bytes === undefined) {
    bytes = Buffer.from(key, 'utf8');
    if (keyCache.size < KEY_CACHE_LIMIT) keyCache.set(key, bytes);
  }
  return bytes;
}

function severityBytes(text: string): Buffer {
  let bytes = severityTexts.get(text);
  if (bytes === undefined) severityTexts.set(text, (bytes = Buffer.from(text, 'latin1')));
  return bytes;
}

/** Size of an AnyValue holding a string of `length` bytes, or the int64 `value`. */
function stringValueSize(length: number): number {
  return 1 + varintSize(length) + length;
}

// Scratch for one record's attributes, reused: encoding allocates only the record's own buffer.
let keys: Buffer[] = [];
let texts: Array<Buffer | undefined> = [];
let valueSizes: number[] = [];

/** The LogRecord's bytes, without its observed time (added per batch by `encodeLogsRequest`). */
export function encodeLogRecord(fields: LogRecordFields): Buffer {
  const severityText = severityBytes(fields.severityText);
  const body = fields.body === undefined ? undefined : utf8(fields.body);
  const attributes = fields.attributes;
  const count = attributes.length;
  if (keys.length < count) {
    keys = new Array<Buffer>(count);
    texts = new Array<Buffer | undefined>(count);
    valueSizes = new Array<number>(count);
  }
  const time = fields.timeNs !== undefined && fields.timeNs !== 0n ? BigInt.asUintN(64, fields.timeNs) : undefined;
  let size = 1 + varintSize(severityText.length) + severityText.length;
  if (time !== undefined) size += 9;
  if (fields.severityNumber !== 0) size += 1 + varintSize(fields.severityNumber);
  if (body) {
    const bodySize = stringValueSize(body.length);
    size += 1 + varintSize(bodySize) + bodySize;
  }
  for (let i = 0; i < count; i++) {
    const [key, value] = attributes[i] as Attribute;
    const k = keyBytes(key);
    keys[i] = k;
    let valueSize: number;
    if (typeof value === 'bigint') {
      texts[i] = undefined;
      valueSize = 1 + int64Size(value);
    } else {
      const text = utf8(value);
      texts[i] = text;
      valueSize = stringValueSize(text.length);
    }
    valueSizes[i] = valueSize;
    const kvSize = 1 + varintSize(k.length) + k.length + 1 + varintSize(valueSize) + valueSize;
    size += 1 + varintSize(kvSize) + kvSize;
  }

  const out = Buffer.allocUnsafe(size);
  let at = 0;
  if (time !== undefined) {
    out[at++] = TIME_TAG;
    out.writeBigUInt64LE(time, at);
    at += 8;
  }
  if (fields.severityNumber !== 0) {
    out[at++] = SEVERITY_NUMBER_TAG;
    at = writeVarint(out, at, fields.severityNumber);
  }
  out[at++] = SEVERITY_TEXT_TAG;
  at = writeVarint(out, at, severityText.length);
  at += severityText.copy(out, at);
  if (body) {
    out[at++] = BODY_TAG;
    at = writeVarint(out, at, stringValueSize(body.length));
    at = writeString(out, at, body);
  }
  for (let i = 0; i < count; i++) {
    const k = keys[i] as Buffer;
    const text = texts[i];
    const valueSize = valueSizes[i] as number;
    out[at++] = ATTRIBUTE_TAG;
    at = writeVarint(out, at, 1 + varintSize(k.length) + k.length + 1 + varintSize(valueSize) + valueSize);
    out[at++] = KEY_TAG;
    at = writeVarint(out, at, k.length);
    at += k.copy(out, at);
    out[at++] = VALUE_TAG;
    at = writeVarint(out, at, valueSize);
    if (text !== undefined) at = writeString(out, at, text);
    else {
      out[at++] = INT_VALUE_TAG;
      at = writeInt64(out, at, (attributes[i] as Attribute)[1] as bigint);
    }
  }
  // The scratch must not keep the received bytes alive.
  texts.fill(undefined, 0, count);
  if (at !== size) throw new Error(`syslog record encoding: wrote ${at} bytes, measured ${size}`);
  return out;
}

/** AnyValue.string_value with `text`. */
function writeString(out: Buffer, at: number, text: Buffer): number {
  out[at++] = STRING_VALUE_TAG;
  at = writeVarint(out, at, text.length);
  if (text.length < 32) {
    for (let i = 0; i < text.length; i++) out[at + i] = text[i] as number;
    return at + text.length;
  }
  return at + text.copy(out, at);
}

/** An ExportLogsServiceRequest of `records` (from `encodeLogRecord`), all observed at `observedNs`. */
export function encodeLogsRequest(records: readonly Buffer[], observedNs: bigint): Buffer {
  let scopeSize = 0;
  for (const r of records) {
    const len = r.length + OBSERVED_TIME_SIZE;
    scopeSize += 1 + varintSize(len) + len;
  }
  const resourceSize = 1 + varintSize(scopeSize) + scopeSize;
  const total = 1 + varintSize(resourceSize) + resourceSize;
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  out[at++] = RESOURCE_LOGS_TAG;
  at = writeVarint(out, at, resourceSize);
  out[at++] = SCOPE_LOGS_TAG;
  at = writeVarint(out, at, scopeSize);
  const observed = BigInt.asUintN(64, observedNs);
  for (const r of records) {
    out[at++] = LOG_RECORDS_TAG;
    at = writeVarint(out, at, r.length + OBSERVED_TIME_SIZE);
    at += r.copy(out, at);
    out[at++] = OBSERVED_TIME_TAG;
    out.writeBigUInt64LE(observed, at);
    at += 8;
  }
  return out;
}
