// A shortcut for the receiver's scan (wire.ts): most of a request's nested messages are KeyValues of the common shape
// `key` (ASCII) then `value` holding one string (ASCII), bool, int or double, every length one byte. Checking that
// shape from the bytes directly costs a fraction of two recursive message scans; anything else (another field, a long
// length, a non-ASCII byte, an array or kvlist value) answers false and gets the full scan, which also names the fault.
import { ANY_VALUE, KEY_VALUE } from './wire-layout.js';

const KEY_TAG = KEY_VALUE.key * 8 + 2;
const VALUE_TAG = KEY_VALUE.value * 8 + 2;
const STRING_TAG = ANY_VALUE.string * 8 + 2;
const BOOL_TAG = ANY_VALUE.bool * 8;
const INT_TAG = ANY_VALUE.int * 8;
const DOUBLE_TAG = ANY_VALUE.double * 8 + 1;

/** Whether [start, end) is a valid KeyValue of the common shape; false says only "use the full scan". */
export function isPlainKeyValue(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start < 2 || buf[start] !== KEY_TAG) return false;
  const keyLength = buf[start + 1] as number;
  const keyEnd = start + 2 + keyLength;
  if (keyLength >= 0x80 || keyEnd > end) return false;
  let ascii = 0;
  for (let i = start + 2; i < keyEnd; i++) ascii |= buf[i] as number;
  if (keyEnd === end) return ascii < 0x80;
  if (end - keyEnd < 2 || buf[keyEnd] !== VALUE_TAG) return false;
  const valueLength = buf[keyEnd + 1] as number;
  const value = keyEnd + 2;
  if (valueLength >= 0x80 || value + valueLength !== end) return false;
  if (valueLength === 0) return ascii < 0x80;
  switch (buf[value]) {
    case STRING_TAG: {
      const textLength = buf[value + 1] as number;
      if (textLength >= 0x80 || value + 2 + textLength !== end) return false;
      for (let i = value + 2; i < end; i++) ascii |= buf[i] as number;
      return ascii < 0x80;
    }
    case BOOL_TAG:
    case INT_TAG: {
      // One varint of at most 9 bytes (a 10th byte needs the overflow check of the full scan), ending exactly at end.
      const bytes = end - value - 1;
      if (bytes < 1 || bytes > 9) return false;
      for (let i = value + 1; i < end - 1; i++) if ((buf[i] as number) < 0x80) return false;
      return (buf[end - 1] as number) < 0x80 && ascii < 0x80;
    }
    case DOUBLE_TAG:
      return value + 9 === end && ascii < 0x80;
    default:
      return false;
  }
}
