// A cursor over protobuf wire bytes for the processors that edit requests without decoding them (wire-edit.ts).
// Unlike the receiver's scan (wire.ts), it does not validate what it skips: it assumes a request the receiver has
// scanned, and gives up (throws NOT_ON_WIRE) on anything it cannot walk, so that the caller can fall back to decoding.
import { requireLittleEndian } from './little-endian.js';

/**
 * Thrown when a request has a shape the byte path does not handle (truncated, a group, a repeated singular message the
 * decoder would merge, …). One shared instance, so that giving up captures no stack: callers catch it and decode.
 */
export class NotOnWire extends Error {
  constructor() {
    super('the wire editor does not handle this request');
  }
}
export const NOT_ON_WIRE = new NotOnWire();

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

const EMPTY = new Uint8Array(0);

/** Bytes a varint of `value` takes (value < 2^53). */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  let size = 5;
  for (let v = Math.floor(value / 0x800000000); v > 0; v = Math.floor(v / 128)) size++;
  return size;
}

/** Writes `value` (< 2^53) as a varint at `at`; returns the position after it. */
export function writeVarint(out: Uint8Array, at: number, value: number): number {
  let v = value;
  while (v >= 0x80) {
    out[at++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  out[at++] = v;
  return at;
}

/** The tag of length-delimited field `field`, as a number (what `WireReader.varint` reads). */
export const lenTag = (field: number): number => field * 8 + WIRE_LEN;

/** The tag of length-delimited field `field`, as bytes (what an editor writes before a new length). */
export function lenTagBytes(field: number): Uint8Array {
  const tag = lenTag(field);
  const out = new Uint8Array(varintSize(tag));
  writeVarint(out, 0, tag);
  return out;
}

/** A tag followed by a length prefix, as bytes: what opens a length-delimited field. */
export function fieldHead(field: number, length: number): Uint8Array {
  const tag = field * 8 + WIRE_LEN;
  const out = new Uint8Array(varintSize(tag) + varintSize(length));
  writeVarint(out, writeVarint(out, 0, tag), length);
  return out;
}

/** A length-delimited field holding `content`, as bytes. */
export function lengthDelimited(field: number, content: Uint8Array): Uint8Array {
  const head = fieldHead(field, content.length);
  const out = new Uint8Array(head.length + content.length);
  out.set(head, 0);
  out.set(content, head.length);
  return out;
}

export class WireReader {
  buf: Uint8Array = EMPTY;
  pos = 0;
  /** The low and high 32 bits (signed, as protobufjs' Long holds them) of the last `varint64`. */
  low = 0;
  high = 0;

  reset(buf: Uint8Array): void {
    this.buf = buf;
    this.pos = 0;
  }

  /** Drops the reference to the request, so a reader kept in a module never holds one alive. */
  release(): void {
    this.buf = EMPTY;
  }

  /** A varint up to 2^53 (tags, lengths); longer or truncated ones are not handled. */
  varint(end: number): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos >= end) throw NOT_ON_WIRE;
    let b = buf[pos++] as number;
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    let value = b & 0x7f;
    let mul = 128;
    for (let i = 1; i < 8; i++) {
      if (pos >= end) throw NOT_ON_WIRE;
      b = buf[pos++] as number;
      value += (b & 0x7f) * mul;
      if (b < 0x80) {
        this.pos = pos;
        return value;
      }
      mul *= 128;
    }
    throw NOT_ON_WIRE;
  }

  /** A varint of up to 10 bytes into `low`/`high`, as protobufjs reads int64, uint64, int32 and bool. */
  varint64(end: number): void {
    const buf = this.buf;
    let low = 0;
    let high = 0;
    let pos = this.pos;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw NOT_ON_WIRE;
      const b = buf[pos++] as number;
      const bits = b & 0x7f;
      if (i < 4) low |= bits << (7 * i);
      else if (i === 4) {
        low |= (bits & 0x0f) << 28;
        high |= bits >>> 4;
      } else high |= bits << (7 * i - 32);
      if (b < 0x80) {
        this.pos = pos;
        this.low = low | 0;
        this.high = high | 0;
        return;
      }
    }
    throw NOT_ON_WIRE;
  }

  /** A length prefix whose bytes must all be before `end`; returns where they end. */
  lengthEnd(end: number): number {
    const len = this.varint(end);
    const stop = this.pos + len;
    if (stop > end) throw NOT_ON_WIRE;
    return stop;
  }

  /** Skips a field's value of wire type `wire`. Groups are not handled. */
  skip(wire: number, end: number): void {
    switch (wire) {
      case WIRE_VARINT: {
        const buf = this.buf;
        let pos = this.pos;
        for (let i = 0; i < 10; i++) {
          if (pos >= end) throw NOT_ON_WIRE;
          if ((buf[pos++] as number) < 0x80) {
            this.pos = pos;
            return;
          }
        }
        throw NOT_ON_WIRE;
      }
      case WIRE_I64:
        if (end - this.pos < 8) throw NOT_ON_WIRE;
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.pos = this.lengthEnd(end);
        return;
      case WIRE_I32:
        if (end - this.pos < 4) throw NOT_ON_WIRE;
        this.pos += 4;
        return;
      default:
        throw NOT_ON_WIRE;
    }
  }

  /** The little-endian double at `pos`, as the decoder reads `double_value`. */
  double(end: number): number {
    if (end - this.pos < 8) throw NOT_ON_WIRE;
    const buf = this.buf;
    const at = this.pos;
    this.pos = at + 8;
    SCRATCH_BYTES[0] = buf[at] as number;
    SCRATCH_BYTES[1] = buf[at + 1] as number;
    SCRATCH_BYTES[2] = buf[at + 2] as number;
    SCRATCH_BYTES[3] = buf[at + 3] as number;
    SCRATCH_BYTES[4] = buf[at + 4] as number;
    SCRATCH_BYTES[5] = buf[at + 5] as number;
    SCRATCH_BYTES[6] = buf[at + 6] as number;
    SCRATCH_BYTES[7] = buf[at + 7] as number;
    return SCRATCH_DOUBLE[0] as number;
  }
}

// Typed arrays are in the platform's byte order; OTLP doubles are little-endian, and so is every platform Node runs
// the engine on (checked once here rather than per value).
const SCRATCH_DOUBLE = new Float64Array(1);
const SCRATCH_BYTES = new Uint8Array(SCRATCH_DOUBLE.buffer);
requireLittleEndian('wire-reader');

/** Whether `buf[start, start + length)` holds exactly the bytes of `want`. */
export function bytesEqual(buf: Uint8Array, start: number, length: number, want: Uint8Array): boolean {
  if (length !== want.length) return false;
  for (let i = 0; i < length; i++) if (buf[start + i] !== want[i]) return false;
  return true;
}
