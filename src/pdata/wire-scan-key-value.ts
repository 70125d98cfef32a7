// A shortcut for the receiver's scan (wire.ts): most of a request's nested messages are KeyValues of the common shape
// `key` then `value` holding one string, bool, int or double, every length one byte. Checking that shape from the
// bytes directly costs a fraction of two recursive message scans; the scan then checks its text (key and string value)
// like any other string. Anything else (another field, a long length, an array or kvlist value) gets the full scan,
// which also names the fault.
import { ANY_VALUE, KEY_VALUE } from './wire-layout.js';
import { isAsciiRange } from './wire-ascii.js';

const KEY_TAG = KEY_VALUE.key * 8 + 2;
const VALUE_TAG = KEY_VALUE.value * 8 + 2;
const STRING_TAG = ANY_VALUE.string * 8 + 2;
const BOOL_TAG = ANY_VALUE.bool * 8;
const INT_TAG = ANY_VALUE.int * 8;
const DOUBLE_TAG = ANY_VALUE.double * 8 + 1;

/**
 * If [start, end) is a KeyValue of the common shape, where its text ends: its text is [start + 2, that end), the key
 * and a string value in one range (the four bytes between them, two tags and two one-byte lengths, are ASCII), to be
 * checked like any string. -1 says only "use the full scan".
 */
export function plainKeyValueText(buf: Uint8Array, start: number, end: number): number {
  if (end - start < 2 || buf[start] !== KEY_TAG) return -1;
  const keyLength = buf[start + 1] as number;
  const keyEnd = start + 2 + keyLength;
  if (keyLength >= 0x80 || keyEnd > end) return -1;
  if (keyEnd === end) return keyEnd;
  if (end - keyEnd < 2 || buf[keyEnd] !== VALUE_TAG) return -1;
  const valueLength = buf[keyEnd + 1] as number;
  const value = keyEnd + 2;
  if (valueLength >= 0x80 || value + valueLength !== end) return -1;
  if (valueLength === 0) return keyEnd;
  switch (buf[value]) {
    case STRING_TAG: {
      const textLength = buf[value + 1] as number;
      return textLength < 0x80 && value + 2 + textLength === end ? end : -1;
    }
    case BOOL_TAG:
    case INT_TAG: {
      // One varint of at most 9 bytes (a 10th byte needs the overflow check of the full scan), ending exactly at end.
      const bytes = end - value - 1;
      if (bytes < 1 || bytes > 9) return -1;
      for (let i = value + 1; i < end - 1; i++) if ((buf[i] as number) < 0x80) return -1;
      return (buf[end - 1] as number) < 0x80 ? keyEnd : -1;
    }
    case DOUBLE_TAG:
      return value + 9 === end ? keyEnd : -1;
    default:
      return -1;
  }
}

/** Whether [start, end) is a KeyValue of the common shape with ASCII text; false says only "use the full scan". */
export function isPlainKeyValue(buf: Uint8Array, start: number, end: number): boolean {
  const textEnd = plainKeyValueText(buf, start, end);
  return textEnd >= 0 && isAsciiRange(buf, start + 2, textEnd);
}
