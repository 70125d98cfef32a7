// Reading one KeyValue on the wire the way the decoder would see it: the last `key` wins (a scalar), and every `value`
// occurrence is merged into one AnyValue (a message). Shared by the processors that edit requests on the wire.
import { KEY_VALUE } from './wire-layout.js';
import { WIRE_LEN, type WireReader } from './wire-reader.js';

const KEY = KEY_VALUE.key;
const VALUE = KEY_VALUE.value;

export interface KeyValueFields {
  /** The key's UTF-8 bytes: [keyStart, keyStart + keyLength); length 0 when the key is absent (it decodes as ''). */
  keyStart: number;
  keyLength: number;
  /** From the first `value` field's tag to the end of the last one; -1 when there is none. */
  valueStart: number;
  valueEnd: number;
  /** false when another field lies between two `value` fields, so [valueStart, valueEnd) is not only values. */
  valueContiguous: boolean;
}

export function emptyKeyValueFields(): KeyValueFields {
  return { keyStart: 0, keyLength: 0, valueStart: -1, valueEnd: -1, valueContiguous: true };
}

const KEY_TAG = KEY * 8 + WIRE_LEN;
const VALUE_TAG = VALUE * 8 + WIRE_LEN;

/** Reads the KeyValue whose content is [reader.pos, end) into `out`; leaves the reader at `end`. */
export function readKeyValue(reader: WireReader, end: number, out: KeyValueFields): void {
  // Almost every KeyValue is `key` then `value`, each with a one-byte length: read that shape without a loop.
  const buf = reader.buf;
  const start = reader.pos;
  if (buf[start] === KEY_TAG && end - start >= 2) {
    const keyLength = buf[start + 1] as number;
    const valueAt = start + 2 + keyLength;
    if (keyLength < 0x80 && valueAt + 2 <= end && buf[valueAt] === VALUE_TAG) {
      const valueLength = buf[valueAt + 1] as number;
      if (valueLength < 0x80 && valueAt + 2 + valueLength === end) {
        out.keyStart = start + 2;
        out.keyLength = keyLength;
        out.valueStart = valueAt;
        out.valueEnd = end;
        out.valueContiguous = true;
        reader.pos = end;
        return;
      }
    }
  }
  out.keyStart = reader.pos;
  out.keyLength = 0;
  out.valueStart = -1;
  out.valueEnd = -1;
  out.valueContiguous = true;
  let afterValue = false;
  while (reader.pos < end) {
    const fieldStart = reader.pos;
    const tag = reader.varint(end);
    const wire = tag % 8;
    const field = (tag - wire) / 8;
    if (wire === WIRE_LEN && field === KEY) {
      const stop = reader.lengthEnd(end);
      out.keyStart = reader.pos;
      out.keyLength = stop - reader.pos;
      reader.pos = stop;
      if (out.valueStart >= 0) afterValue = true;
    } else if (wire === WIRE_LEN && field === VALUE) {
      const stop = reader.lengthEnd(end);
      if (out.valueStart < 0) out.valueStart = fieldStart;
      else if (afterValue) out.valueContiguous = false;
      out.valueEnd = stop;
      reader.pos = stop;
    } else {
      reader.skip(wire, end);
      if (out.valueStart >= 0) afterValue = true;
    }
  }
}
