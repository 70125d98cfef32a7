// Plain-text pieces shared by the console exporter's `pretty` format and the debug processor: values and attribute
// lists as one line of text, ANSI styling that can be off, and timestamps.
import type { AnyValue, KeyValue } from './otlp-json.js';

export const ANSI = { reset: 0, bold: 1, dim: 2, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36 } as const;
export type AnsiName = keyof typeof ANSI;

export type Style = (name: AnsiName, text: string) => string;

export function styler(color: boolean): Style {
  return color ? (name, text) => `\u001b[${ANSI[name]}m${text}\u001b[0m` : (_name, text) => text;
}

/** A double with six decimals, as the console prints attribute doubles. */
function fixed(value: number | string): string {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n.toFixed(6) : String(value);
}

/** A value as text: strings unquoted, bytes as a list of numbers, lists in [], maps in {} with `key=value`. */
export function valueText(value: AnyValue | undefined): string {
  if (value === undefined) return '';
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return value.intValue;
  if (value.boolValue !== undefined) return String(value.boolValue);
  if (value.doubleValue !== undefined) return fixed(value.doubleValue);
  if (value.bytesValue !== undefined) return `[${[...Buffer.from(value.bytesValue, 'base64')].join(', ')}]`;
  if (value.arrayValue !== undefined) return `[${(value.arrayValue.values ?? []).map(valueText).join(', ')}]`;
  if (value.kvlistValue !== undefined) {
    return `{${(value.kvlistValue.values ?? []).map((kv) => (kv.value === undefined ? kv.key : `${kv.key}=${valueText(kv.value)}`)).join(', ')}}`;
  }
  return '';
}

/** ` [k=v, k2=v2]`, or nothing for no attributes; a key without a value shows `<?>`. */
export function attributesText(attributes: readonly KeyValue[] | undefined): string {
  if (!attributes || attributes.length === 0) return '';
  return ` [${attributes.map((kv) => `${kv.key}=${kv.value === undefined ? '<?>' : valueText(kv.value)}`).join(', ')}]`;
}

/** A value is empty when no variant is set, or it is an empty string. */
export function hasContent(value: AnyValue | undefined): boolean {
  if (value === undefined) return false;
  if (value.stringValue !== undefined) return value.stringValue !== '';
  return Object.keys(value).length > 0;
}

/** Nanoseconds since the epoch (decimal string) → `2025-01-15T10:30:00.000Z` (milliseconds). */
export function isoMillis(nanos: string | undefined): string {
  const ms = nanos === undefined ? 0 : Number(BigInt(nanos) / 1_000_000n);
  return new Date(ms).toISOString();
}

/** Nanoseconds since the epoch → RFC 3339 in UTC with exactly nine fractional digits. */
export function rfc3339Nanos(nanos: string): string {
  const n = BigInt(nanos);
  const seconds = n / 1_000_000_000n;
  const fraction = (n % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}.${fraction}Z`;
}
