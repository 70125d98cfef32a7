// The decoded OTLP shapes processor:attribute touches, and the string form of an attribute value that `hash` digests.
// Decoded protobufjs messages carry every field's default on their prototype, so which member of the AnyValue oneof
// is set is an own-property question, never a truthiness one.

/** 64-bit integers decode as long.js Longs; a number when the value came from the config. */
export interface LongLike {
  low: number;
  high: number;
  toString(): string;
}

export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | LongLike;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] | null } | null;
  kvlistValue?: { values?: KeyValue[] | null } | null;
  bytesValue?: Uint8Array;
}

export interface KeyValue {
  key: string;
  value?: AnyValue | null;
}

/** Anything with an attribute list: Resource, InstrumentationScope, LogRecord, Span, every data point. */
export interface HasAttributes {
  attributes?: KeyValue[] | null;
}

const hasOwn = Object.prototype.hasOwnProperty;

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function doubleText(d: number): string {
  // Shortest round-trip form; NaN and ±Infinity as words, as OTLP/JSON writes them.
  return String(d);
}

/**
 * The string form of a value: a string as it is; `true`/`false`; an integer in decimal (exact for 64 bits); a double
 * in its shortest round-trip form (`1.5`, `NaN`, `Infinity`); bytes in base64; an array or kvlist as compact JSON of
 * its plain values; a value with nothing set (or no value) as the empty string.
 */
export function stringForm(value: AnyValue | null | undefined): string {
  if (value == null) return '';
  if (hasOwn.call(value, 'stringValue') && value.stringValue != null) return value.stringValue;
  if (hasOwn.call(value, 'boolValue') && value.boolValue != null) return value.boolValue ? 'true' : 'false';
  if (hasOwn.call(value, 'intValue') && value.intValue != null) return String(value.intValue);
  if (hasOwn.call(value, 'doubleValue') && value.doubleValue != null) return doubleText(value.doubleValue);
  if (hasOwn.call(value, 'bytesValue') && value.bytesValue != null) return base64(value.bytesValue);
  if ((hasOwn.call(value, 'arrayValue') && value.arrayValue != null) || (hasOwn.call(value, 'kvlistValue') && value.kvlistValue != null)) {
    return jsonForm(value);
  }
  return '';
}

function jsonForm(value: AnyValue | null | undefined): string {
  if (value == null) return 'null';
  if (hasOwn.call(value, 'stringValue') && value.stringValue != null) return JSON.stringify(value.stringValue);
  if (hasOwn.call(value, 'boolValue') && value.boolValue != null) return value.boolValue ? 'true' : 'false';
  if (hasOwn.call(value, 'intValue') && value.intValue != null) return String(value.intValue);
  if (hasOwn.call(value, 'doubleValue') && value.doubleValue != null) {
    const d = value.doubleValue;
    return Number.isFinite(d) ? doubleText(d) : JSON.stringify(doubleText(d));
  }
  if (hasOwn.call(value, 'bytesValue') && value.bytesValue != null) return JSON.stringify(base64(value.bytesValue));
  if (hasOwn.call(value, 'arrayValue') && value.arrayValue != null) {
    return `[${(value.arrayValue.values ?? []).map(jsonForm).join(',')}]`;
  }
  if (hasOwn.call(value, 'kvlistValue') && value.kvlistValue != null) {
    return `{${(value.kvlistValue.values ?? []).map((kv) => `${JSON.stringify(kv.key)}:${jsonForm(kv.value)}`).join(',')}}`;
  }
  return 'null';
}
