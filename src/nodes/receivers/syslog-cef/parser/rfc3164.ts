// RFC 3164 (BSD syslog), the lenient fallback: `[<PRI>][TIMESTAMP SP][HOSTNAME SP]TAG: CONTENT`. It accepts any text.
// A timestamp is the first 15 bytes when bytes 3 and 6 are spaces (`Oct 11 22:14:15`). Up to the first colon is
// `HOSTNAME TAG` (split at the last space; no space: only a TAG), after it (one space skipped) the CONTENT; without a
// colon everything is CONTENT. A TAG `app[pid]` gives the app name and, when all digits, the pid.
import type { Priority, Rfc3164Message } from './types.js';

const SP = 0x20;
const COLON = 0x3a;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const ZERO = 0x30;
const NINE = 0x39;
const TIMESTAMP_LENGTH = 15;

/** Parses `rest` (what follows a valid `<PRI>`, or the whole message when there was none). Never fails. */
export function parseRfc3164(priority: Priority | undefined, rest: Buffer): Rfc3164Message {
  const out: Rfc3164Message = {};
  if (priority) out.priority = priority;
  let body = rest;
  if (rest.length >= TIMESTAMP_LENGTH && rest[3] === SP && rest[6] === SP) {
    out.timestamp = rest.subarray(0, TIMESTAMP_LENGTH);
    body = rest.subarray(Math.min(rest.length, TIMESTAMP_LENGTH + 1));
  }
  const colon = body.indexOf(COLON);
  if (colon < 0) {
    out.content = body;
    return out;
  }
  const head = body.subarray(0, colon);
  const after = body.subarray(colon + 1);
  out.content = after.length > 0 && after[0] === SP ? after.subarray(1) : after;
  const space = head.lastIndexOf(SP);
  const tag = space < 0 ? head : head.subarray(space + 1);
  if (space >= 0) out.hostname = head.subarray(0, space);
  out.tag = tag;
  splitTag(tag, out);
  return out;
}

function splitTag(tag: Buffer, out: Rfc3164Message): void {
  if (tag.length === 0) return;
  const open = tag.indexOf(OPEN);
  if (open < 0) {
    out.appName = tag;
    return;
  }
  const close = tag.indexOf(CLOSE);
  // `app[123` is malformed: the whole tag is the app name.
  if (close < 0) {
    out.appName = tag;
    return;
  }
  if (open > 0) out.appName = tag.subarray(0, open);
  if (close > open + 1 && allDigits(tag, open + 1, close)) out.procId = tag.subarray(open + 1, close);
}

function allDigits(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i] as number;
    if (b < ZERO || b > NINE) return false;
  }
  return true;
}
