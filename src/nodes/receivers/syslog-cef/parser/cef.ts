// ArcSight Common Event Format: `CEF:Version|Vendor|Product|DeviceVersion|EventClassId|Name|Severity|Extensions`.
// Header fields end at unescaped pipes (a pipe after an odd run of backslashes is escaped) and are kept as written.
// The version's first character must be 0 or 1 (`0.1` is version 0). Extensions are `key=value` pairs separated by
// spaces; a value runs until a space that is followed by another `key=` (so values may hold spaces), and `\\`, `\=`,
// `\n`, `\r` in values are unescaped. Pairs with an empty key are skipped; text without `=` ends the list.
import type { CefMessage } from './types.js';

const PIPE = 0x7c;
const BACKSLASH = 0x5c;
const SP = 0x20;
const EQUALS = 0x3d;
const HEADER_FIELDS = 7;
const PREFIX_LENGTH = 4;
const EMPTY: Buffer = Buffer.alloc(0);

export function startsWithCef(input: Buffer): boolean {
  return input.length >= 4 && input[0] === 0x43 && input[1] === 0x45 && input[2] === 0x46 && input[3] === 0x3a;
}

/** Parses a message that starts with `CEF:`; undefined when it is not valid CEF. */
export function parseCef(input: Buffer): CefMessage | undefined {
  if (!startsWithCef(input)) return undefined;
  const content = input.subarray(PREFIX_LENGTH);
  if (content.length === 0) return undefined;
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < content.length && parts.length < HEADER_FIELDS; i++) {
    if (content[i] !== PIPE || escapedAt(content, i)) continue;
    parts.push(content.subarray(start, i));
    start = i + 1;
  }
  let extensions: Buffer = EMPTY;
  if (parts.length === HEADER_FIELDS) extensions = content.subarray(start);
  else parts.push(content.subarray(start));
  if (parts.length < HEADER_FIELDS) return undefined;
  const [version, deviceVendor, deviceProduct, deviceVersion, deviceEventClassId, name, severity] = parts as [
    Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer,
  ];
  const major = version[0];
  if (major !== 0x30 && major !== 0x31) return undefined;
  return { version: major - 0x30, deviceVendor, deviceProduct, deviceVersion, deviceEventClassId, name, severity, extensions };
}

/** Whether the byte at `i` follows an odd number of backslashes. */
function escapedAt(buf: Buffer, i: number): boolean {
  let count = 0;
  for (let j = i - 1; j >= 0 && buf[j] === BACKSLASH; j--) count++;
  return count % 2 === 1;
}

/** The extension pairs in order, values unescaped, as UTF-8 text. */
export function cefExtensions(data: Buffer): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let pos = 0;
  for (;;) {
    while (pos < data.length && data[pos] === SP) pos++;
    if (pos >= data.length) return out;
    const keyStart = pos;
    const equals = data.indexOf(EQUALS, pos);
    if (equals < 0) return out;
    if (equals === keyStart) {
      // An empty key: skip to the next space and carry on.
      pos = equals + 1;
      while (pos < data.length && data[pos] !== SP) pos++;
      continue;
    }
    const key = data.toString('utf8', keyStart, equals);
    pos = equals + 1;
    const valueStart = pos;
    while (pos < data.length) {
      const b = data[pos] as number;
      if (b === BACKSLASH && pos + 1 < data.length) {
        pos += 2;
        continue;
      }
      if (b === SP && startsNextPair(data, pos + 1)) break;
      pos++;
    }
    out.push([key, unescapeValue(data.subarray(valueStart, pos))]);
  }
}

/** Whether, after any spaces from `at`, a key of letters, digits, `_` or `-` is followed by `=`. */
function startsNextPair(data: Buffer, at: number): boolean {
  let i = at;
  while (i < data.length && data[i] === SP) i++;
  const keyStart = i;
  for (; i < data.length; i++) {
    const b = data[i] as number;
    if (b === EQUALS) return i > keyStart;
    if (!isKeyByte(b)) return false;
  }
  return false;
}

function isKeyByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f || b === 0x2d;
}

function unescapeValue(raw: Buffer): string {
  if (raw.indexOf(BACKSLASH) < 0) return raw.toString('utf8');
  const out = Buffer.allocUnsafe(raw.length);
  let w = 0;
  for (let r = 0; r < raw.length; r++) {
    const b = raw[r] as number;
    const next = r + 1 < raw.length ? (raw[r + 1] as number) : -1;
    if (b === BACKSLASH && (next === BACKSLASH || next === EQUALS)) {
      out[w++] = next;
      r++;
    } else if (b === BACKSLASH && next === 0x6e) {
      out[w++] = 0x0a;
      r++;
    } else if (b === BACKSLASH && next === 0x72) {
      out[w++] = 0x0d;
      r++;
    } else out[w++] = b;
  }
  return out.toString('utf8', 0, w);
}
