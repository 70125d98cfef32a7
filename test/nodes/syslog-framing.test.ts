// TCP framing: newline-delimited as upstream (a line longer than 16 KiB cut into 16 KiB pieces, the newline not part
// of the message) and RFC 6587 octet counting, with frames split anywhere across chunks.
import { describe, expect, it } from 'vitest';
import { SyslogFramer, type Frame } from '../../src/nodes/receivers/syslog-cef/framing.js';
import { MAX_MESSAGE_SIZE } from '../../src/nodes/receivers/syslog-cef/intake.js';

function frames(chunks: Array<string | Buffer>, finish = true): Array<[string, boolean]> {
  const framer = new SyslogFramer();
  const out: Frame[] = [];
  for (const chunk of chunks) {
    framer.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, 'latin1'));
    for (let f = framer.next(); f; f = framer.next()) out.push(f);
  }
  const last = finish ? framer.finish() : undefined;
  if (last) out.push(last);
  return out.map((f) => [f.bytes.toString('latin1'), f.truncated]);
}

/** Every way of cutting `text` in two chunks gives the same frames as one chunk. */
function splitsAgree(text: string): void {
  const whole = frames([text]);
  for (let i = 1; i < text.length; i++) expect(frames([text.slice(0, i), text.slice(i)]), `split at ${i}`).toEqual(whole);
}

describe('newline framing', () => {
  it('one message per line; the last line without newline counts at end of stream', () => {
    expect(frames(['<34>1 - - - - - - a\n<34>1 - - - - - - b\n', 'tail'])).toEqual([
      ['<34>1 - - - - - - a', false],
      ['<34>1 - - - - - - b', false],
      ['tail', false],
    ]);
    expect(frames(['no newline yet'], false)).toEqual([]);
  });

  it('keeps a carriage return and empty lines as upstream (an empty line is refused later as invalid)', () => {
    expect(frames(['a\r\n\nb\n'])).toEqual([
      ['a\r', false],
      ['', false],
      ['b', false],
    ]);
  });

  it('cuts lines longer than 16 KiB into pieces of 16 KiB, each marked truncated', () => {
    const long = 'x'.repeat(MAX_MESSAGE_SIZE * 2 + 10);
    expect(frames([`${long}\nnext\n`]).map(([text, cut]) => [text.length, cut])).toEqual([
      [MAX_MESSAGE_SIZE, true],
      [MAX_MESSAGE_SIZE, true],
      [10, false],
      [4, false],
    ]);
    // 16 KiB - 1 bytes and the newline fit; 16 KiB bytes do not (the newline then arrives alone: an empty line).
    expect(frames([`${'y'.repeat(MAX_MESSAGE_SIZE - 1)}\n`]).map(([t, c]) => [t.length, c])).toEqual([[MAX_MESSAGE_SIZE - 1, false]]);
    expect(frames([`${'y'.repeat(MAX_MESSAGE_SIZE)}\n`]).map(([t, c]) => [t.length, c])).toEqual([
      [MAX_MESSAGE_SIZE, true],
      [0, false],
    ]);
  });

  it('lines split anywhere across chunks', () => {
    splitsAgree('<34>1 - - - - - - a\n<13>Oct 11 22:14:15 h t: b\nCEF:0|V|P|1|2|n|3|\n');
  });

  it('text that starts with a number is still a line', () => {
    expect(frames(['123 not counted\n42\n7 no-priority\n12<34>no space\n'])).toEqual([
      ['123 not counted', false],
      ['42', false],
      ['7 no-priority', false],
      ['12<34>no space', false],
    ]);
  });
});

describe('octet counting', () => {
  const counted = (msg: string): string => `${Buffer.byteLength(msg, 'latin1')} ${msg}`;

  it('reads LEN SP MSG frames back to back, and frames that hold newlines', () => {
    const a = '<34>1 - - - - - - first';
    const b = '<34>1 - - - - - - two\nlines';
    expect(frames([counted(a) + counted(b)])).toEqual([
      [a, false],
      [b, false],
    ]);
  });

  it('frames split anywhere across chunks, one line ending after a frame skipped, mixed with newline framing', () => {
    const text = `${counted('<34>1 - - - - - - a')}\n${counted('<13>b')}\r\n<13>plain line\n${counted('<13>c')}`;
    expect(frames([text])).toEqual([
      ['<34>1 - - - - - - a', false],
      ['<13>b', false],
      ['<13>plain line', false],
      ['<13>c', false],
    ]);
    splitsAgree(text);
  });

  it('cuts a frame longer than 16 KiB and skips the rest of it', () => {
    const body = `<34>${'z'.repeat(MAX_MESSAGE_SIZE + 100)}`;
    const out = frames([counted(body), counted('<13>after')]);
    expect(out.map(([t, c]) => [t.length, c])).toEqual([
      [MAX_MESSAGE_SIZE, true],
      [9, false],
    ]);
    expect(out[1]?.[0]).toBe('<13>after');
  });

  it('waits for the whole frame; an unfinished frame at end of stream is handed on as it is', () => {
    expect(frames(['30 <34>1 - - -'], false)).toEqual([]);
    expect(frames(['30 <34>1 - - -'])).toEqual([['30 <34>1 - - -', false]]);
  });
});
