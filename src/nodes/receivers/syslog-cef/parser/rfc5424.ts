// RFC 5424: `<PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]`.
// Strict only on the version (1 to 3 digits, at most 255, then a space): anything else falls back to RFC 3164. The
// header fields are taken as they come, `-` meaning absent. Structured data is one or more `[...]` elements (quotes
// and backslash escapes inside values respected); an element left open takes the rest of the message. A UTF-8 BOM
// opening MSG is dropped.
import type { Priority, Rfc5424Message } from './types.js';

const SP = 0x20;
const DASH = 0x2d;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const ZERO = 0x30;
const NINE = 0x39;

/** Parses what follows `<PRI>`; undefined when it is not RFC 5424. */
export function parseRfc5424(priority: Priority, rest: Buffer): Rfc5424Message | undefined {
  const versionEnd = rest.indexOf(SP);
  if (versionEnd <= 0) return undefined;
  let version = 0;
  for (let i = 0; i < versionEnd; i++) {
    const b = rest[i] as number;
    if (b < ZERO || b > NINE) return undefined;
    version = version * 10 + (b - ZERO);
    if (version > 255) return undefined;
  }
  const cursor = { buf: rest, pos: versionEnd + 1 };
  const timestamp = headerField(cursor);
  const hostname = headerField(cursor);
  const appName = headerField(cursor);
  const procId = headerField(cursor);
  const msgId = headerField(cursor);
  const { structuredData, message } = dataAndMessage(rest.subarray(cursor.pos));
  const out: Rfc5424Message = { priority, version };
  if (timestamp) out.timestamp = timestamp;
  if (hostname) out.hostname = hostname;
  if (appName) out.appName = appName;
  if (procId) out.procId = procId;
  if (msgId) out.msgId = msgId;
  if (structuredData) out.structuredData = structuredData;
  if (message) out.message = withoutBom(message);
  return out;
}

/** The next space-separated header field; empty and `-` are absent. */
function headerField(cursor: { buf: Buffer; pos: number }): Buffer | undefined {
  const { buf, pos } = cursor;
  if (pos >= buf.length) return undefined;
  const space = buf.indexOf(SP, pos);
  const end = space < 0 ? buf.length : space;
  cursor.pos = space < 0 ? buf.length : space + 1;
  const field = buf.subarray(pos, end);
  return field.length === 0 || (field.length === 1 && field[0] === DASH) ? undefined : field;
}

function dataAndMessage(rest: Buffer): { structuredData?: Buffer; message?: Buffer } {
  if (rest.length === 0) return {};
  if (rest[0] === DASH) {
    const space = rest.indexOf(SP);
    return space < 0 || space + 1 >= rest.length ? {} : { message: rest.subarray(space + 1) };
  }
  if (rest[0] !== OPEN) return { message: rest };
  const end = structuredDataEnd(rest);
  if (end < 0) return { structuredData: rest };
  const messageStart = end < rest.length && rest[end] === SP ? end + 1 : end;
  return messageStart < rest.length
    ? { structuredData: rest.subarray(0, end), message: rest.subarray(messageStart) }
    : { structuredData: rest.subarray(0, end) };
}

/** End (exclusive) of the run of SD-ELEMENTs at the start of `rest` (spaces between elements allowed); -1 if open. */
function structuredDataEnd(rest: Buffer): number {
  let depth = 0;
  let inQuotes = false;
  for (let i = 0; i < rest.length; i++) {
    const b = rest[i] as number;
    if (b === BACKSLASH && inQuotes) {
      i++;
      continue;
    }
    if (b === QUOTE) {
      inQuotes = !inQuotes;
      continue;
    }
    if (inQuotes) continue;
    if (b === OPEN) depth++;
    else if (b === CLOSE && --depth === 0) {
      let next = i + 1;
      while (next < rest.length && rest[next] === SP) next++;
      if (next < rest.length && rest[next] === OPEN) {
        i = next - 1;
        continue;
      }
      return i + 1;
    }
  }
  return -1;
}

function withoutBom(message: Buffer): Buffer {
  return message.length >= 3 && message[0] === 0xef && message[1] === 0xbb && message[2] === 0xbf ? message.subarray(3) : message;
}
