// The fast scan (wire-fast-scan.ts) would spend half its time proving that strings are ASCII (only a string with
// another byte needs the native UTF-8 check) if it checked each where it stands: a byte loop whose speed depends on how
// V8 inlines it into the scan. Instead the scan notes each string's range; the ranges are checked in batches by one
// tight loop that reads four bytes at a time through an Int32Array view of the same memory. A batch that finds a
// string which is not UTF-8 answers false, and the full scan (wire.ts), checking each string where it stands, names
// the first fault in the request's order.
import { isUtf8 } from 'node:buffer';
import { requireLittleEndian } from './little-endian.js';

requireLittleEndian('wire-ascii');

const NO_BYTES = new Uint8Array(0);
const NO_WORDS = new Int32Array(0);
/** The high bit of each byte of a word: a word has a non-ASCII byte iff it has one of these. */
const HIGH_BITS = 0x80808080 | 0;
/** The most bytes between two strings for them to share a range: a KeyValue's tag and length, then its key's. */
const MAX_JOINED_GAP = 4;
/** Ranges noted before a batch is checked: 8 KiB, whatever the request's size. */
const BATCH = 1024;

const starts = new Int32Array(BATCH);
const stops = new Int32Array(BATCH);
let pending = 0;
let source: Uint8Array = NO_BYTES;
let words: Int32Array = NO_WORDS;
/** source[i] is byte (i + misalign) % 4 of words[(i + misalign) >> 2]. */
let misalign = 0;

/** Starts noting the strings of `bytes`. */
export function beginStrings(bytes: Uint8Array): void {
  source = bytes;
  misalign = bytes.byteOffset & 3;
  const alignedStart = bytes.byteOffset - misalign;
  // Up to the word holding the last byte, where the memory goes on that far (a range's last word is read whole).
  const wordCount = Math.min((bytes.length + misalign + 3) >> 2, (bytes.buffer.byteLength - alignedStart) >> 2);
  words = new Int32Array(bytes.buffer, alignedStart, wordCount);
  pending = 0;
}

/** Notes that source[start, stop) must be UTF-8; false once a full batch held a string that is not. */
export function noteString(start: number, stop: number): boolean {
  if (pending > 0) {
    // A string a few ASCII bytes (tags, one-byte lengths) after the last one joins its range: UTF-8 is valid across
    // ASCII bytes exactly when it is valid on each side, and a record's strings come in such runs.
    const last = pending - 1;
    const gapStart = stops[last] as number;
    if (start - gapStart <= MAX_JOINED_GAP) {
      let gap = 0;
      for (let i = gapStart; i < start; i++) gap |= source[i] as number;
      if (gap < 0x80) {
        stops[last] = stop;
        return true;
      }
    }
  }
  if (pending === BATCH && !checkPending()) return false;
  starts[pending] = start;
  stops[pending] = stop;
  pending++;
  return true;
}

/** Checks what is still noted and lets go of the buffer (a scan must not keep its caller's request alive). */
export function endStrings(): boolean {
  const ok = checkPending();
  source = NO_BYTES;
  words = NO_WORDS;
  misalign = 0;
  return ok;
}

/**
 * Each range is read as whole words only: the first and last words masked to the range's bytes (little-endian: byte k
 * of a word is its bits 8k to 8k + 7), so no byte loop at either end. Whatever a word shows of the bytes around a
 * range can only make the range look non-ASCII, and then the native check of exactly the range decides.
 */
function checkPending(): boolean {
  const bytes = source;
  const view = words;
  const shift = misalign;
  const count = pending;
  pending = 0;
  for (let r = 0; r < count; r++) {
    const start = starts[r] as number;
    const stop = stops[r] as number;
    if (stop === start) continue;
    const first = start + shift;
    const last = stop + shift - 1;
    const firstWord = first >> 2;
    const lastWord = last >> 2;
    let acc: number;
    if (lastWord >= view.length) {
      // The buffer's last, partial word, when its memory ends there: a byte loop.
      acc = 0;
      for (let i = start; i < stop; i++) acc |= bytes[i] as number;
    } else {
      const lastMask = -1 >>> ((3 - (last & 3)) << 3);
      acc = (view[firstWord] as number) & (-1 << ((first & 3) << 3));
      if (firstWord === lastWord) acc &= lastMask;
      else {
        for (let w = firstWord + 1; w < lastWord; w++) acc |= view[w] as number;
        acc |= (view[lastWord] as number) & lastMask;
      }
    }
    if ((acc & HIGH_BITS) !== 0 && !isUtf8(bytes.subarray(start, stop))) return false;
  }
  return true;
}

/** Whether bytes[start, stop) are all below 0x80, checked where it stands (a byte loop: the full scan's path). */
export function isAsciiRange(bytes: Uint8Array, start: number, stop: number): boolean {
  let acc = 0;
  for (let i = start; i < stop; i++) acc |= bytes[i] as number;
  return acc < 0x80;
}
