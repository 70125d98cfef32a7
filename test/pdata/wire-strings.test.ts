// The receiver scan checks strings after the fact, in batches, four bytes at a time (src/pdata/wire-ascii.ts). Against
// an oracle that knows what it wrote (the platform's fatal TextDecoder on each string): every request is accepted iff
// all its strings are UTF-8, and a refusal names the first bad string in the request's order, exactly as when each
// string was checked where it stands. Requests sit at every byte offset of their memory, with and without memory
// after their last byte, and are long enough to span several batches.
import { describe, expect, it } from 'vitest';
import { scanRequest } from '../../src/pdata/wire.js';
import { len, rng, type Rng } from '../support/wire-requests.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
function isUtf8Text(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const concat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const ascii = (r: Rng, n: number) => Buffer.from(Array.from({ length: n }, () => 0x20 + Math.floor(r() * 95)));
const WIDE = ['é', '✓', '𝄞', 'ключ'].map((s) => Buffer.from(s));
/** Byte sequences no UTF-8 string holds: a lone continuation, an overlong form, a surrogate, 0xff, a cut sequence. */
const BAD = [[0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xff], [0xe2, 0x9c]].map((b) => Buffer.from(b));

/** Mostly ASCII of any length (one- and two-byte lengths), sometimes with wide characters, rarely not UTF-8. */
function text(r: Rng, badChance: number): Uint8Array {
  const parts: Uint8Array[] = [ascii(r, Math.floor(r() * (r() < 0.2 ? 300 : 40)))];
  if (r() < 0.2) parts.splice(Math.floor(r() * 2), 0, WIDE[Math.floor(r() * WIDE.length)]!);
  if (r() < badChance) parts.splice(Math.floor(r() * (parts.length + 1)), 0, BAD[Math.floor(r() * BAD.length)]!);
  return concat(parts);
}

interface Written {
  bytes: Uint8Array;
  /** Each string in the request's order, with the message the scan names when it is not UTF-8. */
  strings: Array<{ bytes: Uint8Array; where: string }>;
  records: number;
}

const randomBytes = (r: Rng, n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));

/**
 * A logs request of `records` records: times, severity text, a string body, string and int attributes, a trace id.
 * The string numbered `damaged` (in the request's order), if any, gets a 0xff byte at its end.
 */
function logsRequest(r: Rng, records: number, badChance: number, damaged = -1): Written {
  const strings: Written['strings'] = [];
  const note = (bytes: Uint8Array, where: string) => {
    const written = strings.length === damaged ? concat([bytes, Uint8Array.of(0xff)]) : bytes;
    strings.push({ bytes: written, where });
    return written;
  };
  const out: Uint8Array[] = [];
  for (let i = 0; i < records; i++) {
    const parts: Uint8Array[] = [];
    if (r() < 0.7) parts.push(concat([Uint8Array.of(1 * 8 + 1), randomBytes(r, 8)])); // time_unix_nano: binary bytes between strings
    parts.push(len(3, note(text(r, badChance), 'LogRecord'))); // severity_text
    parts.push(len(5, len(1, note(text(r, badChance), 'AnyValue')))); // body { string_value }
    const attributes = Math.floor(r() * 5);
    for (let a = 0; a < attributes; a++) {
      const key = len(1, note(text(r, badChance), 'KeyValue'));
      const value = r() < 0.25 ? Uint8Array.of(3 * 8, 0xc8, 0x01) : len(1, note(text(r, badChance), 'AnyValue')); // int 200 or a string
      parts.push(len(6, concat([key, len(2, value)])));
    }
    if (r() < 0.5) parts.push(len(9, randomBytes(r, 16))); // trace_id
    out.push(len(2, concat(parts)));
  }
  const scopeLogs = concat(out);
  return { bytes: len(1, len(2, scopeLogs)), strings, records };
}

/** `bytes` at `offset` into fresh memory, with `after` bytes of memory past its end. */
function placed(bytes: Uint8Array, offset: number, after: number): Uint8Array {
  const memory = new ArrayBuffer(offset + bytes.length + after);
  const view = new Uint8Array(memory, offset, bytes.length);
  view.set(bytes);
  new Uint8Array(memory, 0, offset).fill(0xff); // bytes outside the request that a word read may see
  new Uint8Array(memory, offset + bytes.length).fill(0xff);
  return view;
}

function expected(written: Written) {
  const bad = written.strings.find((s) => !isUtf8Text(s.bytes));
  return bad ? { ok: false, reason: `${bad.where}: string is not valid UTF-8` } : { ok: true, items: written.records };
}

describe('scanRequest: strings', () => {
  it('accepts a request iff every string is UTF-8, and names the first that is not, over 2,000 random requests', () => {
    const r = rng(7);
    let refused = 0;
    for (let i = 0; i < 2000; i++) {
      const written = logsRequest(r, 1 + Math.floor(r() * 30), 0.01);
      const want = expected(written);
      if (!want.ok) refused++;
      const bytes = placed(written.bytes, i % 4, (i >> 2) % 2 === 0 ? 0 : 5);
      expect(scanRequest('logs', bytes), `request ${i}`).toEqual(want);
    }
    expect(refused).toBeGreaterThan(200);
    expect(refused).toBeLessThan(1800);
  });

  it('finds a bad string in the first, a middle and the last batch of a long request', () => {
    const clean = logsRequest(rng(11), 3000, 0);
    const strings = clean.strings.length;
    expect(strings).toBeGreaterThan(3 * 1024);
    expect(scanRequest('logs', placed(clean.bytes, 1, 0))).toEqual({ ok: true, items: 3000 });
    for (const damaged of [0, Math.floor(strings / 2), strings - 1]) {
      const written = logsRequest(rng(11), 3000, 0, damaged);
      const want = expected(written);
      expect(want).toEqual({ ok: false, reason: `${written.strings[damaged]!.where}: string is not valid UTF-8` });
      for (const offset of [0, 1, 2, 3]) {
        expect(scanRequest('logs', placed(written.bytes, offset, offset % 2)), `string ${damaged} at offset ${offset}`).toEqual(want);
      }
    }
  });

  it('names a bad string before a later framing fault, and a framing fault before a later bad string', () => {
    const badString = len(3, Buffer.from([0x61, 0xff]));
    const truncated = Uint8Array.of(7 * 8, 0xff); // dropped_attributes_count: a varint cut off
    const record = (...parts: Uint8Array[]) => len(1, len(2, len(2, concat(parts))));
    expect(scanRequest('logs', record(badString, truncated))).toEqual({ ok: false, reason: 'LogRecord: string is not valid UTF-8' });
    const cutFirst = concat([len(1, len(2, len(2, truncated))), record(badString)]);
    expect(scanRequest('logs', cutFirst)).toEqual({ ok: false, reason: 'LogRecord: truncated varint' });
  });
});
