// Format detection, in upstream's order: bare CEF (`CEF:...`), then RFC 5424 (`<PRI>VERSION `), then RFC 3164, which
// takes anything. CEF carried as the RFC 5424 MSG or the RFC 3164 CONTENT is recognised too. Only empty input fails.
import { parseCef, startsWithCef } from './cef.js';
import { parsePriority } from './priority.js';
import { parseRfc3164 } from './rfc3164.js';
import { parseRfc5424 } from './rfc5424.js';
import type { ParseOutcome, ParsedMessage, Rfc3164Message } from './types.js';

const CEF_TAG = Buffer.from('CEF');

export function parseSyslog(input: Buffer): ParseOutcome {
  if (input.length === 0) return { ok: false, reason: 'empty' };
  if (startsWithCef(input)) {
    const cef = parseCef(input);
    if (cef) return { ok: true, message: { format: 'cef', input, cef } };
  }
  const pri = parsePriority(input);
  if (pri) {
    const syslog = parseRfc5424(pri.priority, pri.rest);
    if (syslog) {
      const cef = syslog.message && startsWithCef(syslog.message) ? parseCef(syslog.message) : undefined;
      return { ok: true, message: cef ? { format: 'cef_rfc5424', input, syslog, cef } : { format: 'rfc5424', input, syslog } };
    }
    return { ok: true, message: withCef(parseRfc3164(pri.priority, pri.rest), input) };
  }
  return { ok: true, message: withCef(parseRfc3164(undefined, input), input) };
}

/** RFC 3164 whose CONTENT is CEF, or whose TAG is `CEF` (then `CEF:...` was split at its colon: rejoin it). */
function withCef(syslog: Rfc3164Message, input: Buffer): ParsedMessage {
  const content = syslog.content;
  if (content && startsWithCef(content)) {
    const cef = parseCef(content);
    if (cef) return { format: 'cef_rfc3164', input, syslog, cef };
  }
  const tag = syslog.tag;
  if (tag && content && tag.equals(CEF_TAG)) {
    // The tag is a view into `input`, so its offset there is where the CEF text starts.
    const whole = input.subarray(tag.byteOffset - input.byteOffset);
    const cef = parseCef(whole);
    if (cef) return { format: 'cef_rfc3164', input, syslog: { ...syslog, content: whole }, cef };
  }
  return { format: 'rfc3164', input, syslog };
}
