// Reading what processor:filter compares on the wire, as protobufjs would decode it: the last `key` of a KeyValue
// wins, every `value` (or body) field merges into one AnyValue whose last member set wins, and of a string field
// given twice the last one counts. Nothing is decoded but a string a pattern must see.
import { emptyKeyValueFields, readKeyValue } from '../../../pdata/wire-key-value.js';
import { ANY_VALUE, KEY_VALUE } from '../../../pdata/wire-layout.js';
import { bytesEqual, lenTag, WIRE_I64, WIRE_VARINT, type WireReader } from '../../../pdata/wire-reader.js';
import type { KeyValueRule, TextRule, ValueRule } from './rules.js';

const NO_VALUE = 0;
const STRING = 1;
const BOOL = 2;
const INT = 3;
const DOUBLE = 4;
/** array, kvlist or bytes: never equal to a rule's value. */
const OTHER_VALUE = 5;

const STRING_TAG = lenTag(ANY_VALUE.string);
const BOOL_TAG = ANY_VALUE.bool * 8 + WIRE_VARINT;
const INT_TAG = ANY_VALUE.int * 8 + WIRE_VARINT;
const DOUBLE_TAG = ANY_VALUE.double * 8 + WIRE_I64;
const ARRAY_TAG = lenTag(ANY_VALUE.array);
const KVLIST_TAG = lenTag(ANY_VALUE.kvlist);
const BYTES_TAG = lenTag(ANY_VALUE.bytes);
const VALUE_TAG = lenTag(KEY_VALUE.value);

/** The value read last, and the bytes it lies in. */
export class WireValues {
  buf: Buffer = Buffer.alloc(0);
  private kind = NO_VALUE;
  private start = 0;
  private length = 0;
  private flag = false;
  private low = 0;
  private high = 0;
  private number = 0;
  private readonly kv = emptyKeyValueFields();

  constructor(private readonly reader: WireReader) {}

  setInput(payload: Uint8Array): void {
    this.buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  }

  /** Forgets any value before the next `mergeAnyValue` calls. */
  clear(): void {
    this.kind = NO_VALUE;
  }

  /** Merges the members of the AnyValue content [start, end) into the value, as the decoder merges them. */
  mergeAnyValue(start: number, end: number): void {
    const r = this.reader;
    r.pos = start;
    while (r.pos < end) {
      const member = r.varint(end);
      switch (member) {
        case STRING_TAG: {
          const valueEnd = r.lengthEnd(end);
          this.kind = STRING;
          this.start = r.pos;
          this.length = valueEnd - r.pos;
          r.pos = valueEnd;
          break;
        }
        case BOOL_TAG:
          r.varint64(end);
          this.kind = BOOL;
          this.flag = r.low !== 0;
          break;
        case INT_TAG:
          r.varint64(end);
          this.kind = INT;
          this.low = r.low;
          this.high = r.high;
          break;
        case DOUBLE_TAG:
          this.kind = DOUBLE;
          this.number = r.double(end);
          break;
        case ARRAY_TAG:
        case KVLIST_TAG:
        case BYTES_TAG:
          this.kind = OTHER_VALUE;
          r.pos = r.lengthEnd(end);
          break;
        default:
          // Unknown, or a member with the wrong wire type: the decoder keeps it aside and sets no member.
          r.skip(member % 8, end);
      }
    }
  }

  /** The decode path's valueMatches on the value read last. */
  matches(rule: ValueRule): boolean {
    switch (rule.kind) {
      case 'string':
        if (this.kind !== STRING) return false;
        if (rule.regex !== undefined) return rule.regex.test(this.buf.toString('utf8', this.start, this.start + this.length));
        return bytesEqual(this.buf, this.start, this.length, rule.bytes);
      case 'bool':
        return this.kind === BOOL && this.flag === rule.flag;
      case 'number':
        if (this.kind === DOUBLE) return this.number === rule.number;
        return this.kind === INT && rule.integral && this.low === rule.low && this.high === rule.high;
      default:
        return false;
    }
  }

  /** Flags each rule the KeyValue content [start, end) satisfies; leaves the reader at `end`. */
  matchKeyValue(start: number, end: number, rules: readonly KeyValueRule[], matched: Uint8Array, offset = 0): void {
    const r = this.reader;
    const kv = this.kv;
    r.pos = start;
    readKeyValue(r, end, kv);
    // A KeyValue without a value never matches (the decode path needs `kv.value`).
    if (kv.valueStart >= 0) {
      let valueRead = false;
      for (let c = 0; c < rules.length; c++) {
        const rule = rules[c] as KeyValueRule;
        if (matched[offset + c] === 1 || !bytesEqual(r.buf, kv.keyStart, kv.keyLength, rule.keyBytes)) continue;
        if (!valueRead) {
          this.readKeyValueValue(kv.valueStart, end);
          valueRead = true;
        }
        if (this.matches(rule)) matched[offset + c] = 1;
      }
    }
    r.pos = end;
  }

  /** The AnyValue of the `value` fields of a KeyValue from `start` to `end`, merged. */
  private readKeyValueValue(start: number, end: number): void {
    const r = this.reader;
    this.kind = NO_VALUE;
    r.pos = start;
    while (r.pos < end) {
      const tag = r.varint(end);
      if (tag !== VALUE_TAG) {
        r.skip(tag % 8, end);
        continue;
      }
      const stop = r.lengthEnd(end);
      this.mergeAnyValue(r.pos, stop);
      r.pos = stop;
    }
  }

  /** A string field's bytes [start, start + length) against a text rule. */
  textMatches(rule: TextRule, start: number, length: number): boolean {
    if (rule.regexes !== undefined) {
      const text = this.buf.toString('utf8', start, start + length);
      for (const re of rule.regexes) if (re.test(text)) return true;
      return false;
    }
    for (const bytes of rule.bytes) if (bytesEqual(this.buf, start, length, bytes)) return true;
    return false;
  }
}

export const anySet = (flags: Uint8Array, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) if (flags[i] === 1) return true;
  return false;
};

export const allSet = (flags: Uint8Array, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) if (flags[i] !== 1) return false;
  return true;
};
