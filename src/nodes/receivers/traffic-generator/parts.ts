// A tiny protobuf writer that remembers where the varying fields are. Templates are built from Parts; each Part keeps
// the offsets of its placeholders (marks) through nesting and concatenation, so a fresh batch is a copy of the
// template with a few fixed-width fields overwritten, never a re-encoding.

export type MarkKind =
  /** fixed64 nanoseconds since the epoch; `deltaNs` is added to the batch's time. */
  | 'time'
  /** 16 random bytes. */
  | 'traceId'
  /** 8 random bytes. */
  | 'spanId';

export interface Mark {
  kind: MarkKind;
  offset: number;
  /** Which item of the batch the mark belongs to: items of a batch are 1 ns apart. */
  item: number;
  deltaNs: number;
}

export interface Part {
  bytes: Buffer;
  marks: Mark[];
}

export type Scalar = string | number | boolean | { double: number };

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** A signed 64-bit integer as protobuf writes int64: two's complement, 10 bytes when negative. */
function int64Varint(n: number): number[] {
  if (n >= 0) return varint(n);
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

const tag = (field: number, wire: number): number[] => varint(field * 8 + wire);

const EMPTY: Part = { bytes: Buffer.alloc(0), marks: [] };

function withHeader(header: number[], content: Part): Part {
  return {
    bytes: Buffer.concat([Buffer.from(header), content.bytes]),
    marks: content.marks.map((m) => ({ ...m, offset: m.offset + header.length })),
  };
}

export function concat(parts: readonly Part[]): Part {
  let offset = 0;
  const marks: Mark[] = [];
  for (const part of parts) {
    for (const m of part.marks) marks.push({ ...m, offset: m.offset + offset });
    offset += part.bytes.length;
  }
  return { bytes: Buffer.concat(parts.map((p) => p.bytes)), marks };
}

/** Marks every placeholder of `part` as belonging to item `item`. */
export function forItem(part: Part, item: number): Part {
  return { bytes: part.bytes, marks: part.marks.map((m) => ({ ...m, item })) };
}

/** A length-delimited field: an embedded message, or a string/bytes given as a Part. */
export function message(field: number, ...content: Part[]): Part {
  const inner = concat(content);
  return withHeader([...tag(field, 2), ...varint(inner.bytes.length)], inner);
}

export function string(field: number, text: string): Part {
  return message(field, { bytes: Buffer.from(text, 'utf8'), marks: [] });
}

export function uvarint(field: number, value: number): Part {
  return { bytes: Buffer.from([...tag(field, 0), ...varint(value)]), marks: [] };
}

export function int64(field: number, value: number): Part {
  return { bytes: Buffer.from([...tag(field, 0), ...int64Varint(value)]), marks: [] };
}

/** sint32 (zigzag). */
export function sint32(field: number, value: number): Part {
  return uvarint(field, value >= 0 ? value * 2 : -value * 2 - 1);
}

export function bool(field: number, value: boolean): Part {
  return uvarint(field, value ? 1 : 0);
}

export function fixed32(field: number, value: number): Part {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  return { bytes: Buffer.concat([Buffer.from(tag(field, 5)), bytes]), marks: [] };
}

export function fixed64Value(field: number, value: number): Part {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(BigInt(value));
  return { bytes: Buffer.concat([Buffer.from(tag(field, 1)), bytes]), marks: [] };
}

export function double(field: number, value: number): Part {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(value);
  return { bytes: Buffer.concat([Buffer.from(tag(field, 1)), bytes]), marks: [] };
}

export function packedFixed64(field: number, values: readonly number[]): Part {
  if (values.length === 0) return EMPTY;
  const bytes = Buffer.alloc(8 * values.length);
  values.forEach((v, i) => bytes.writeBigUInt64LE(BigInt(v), 8 * i));
  return message(field, { bytes, marks: [] });
}

export function packedDouble(field: number, values: readonly number[]): Part {
  if (values.length === 0) return EMPTY;
  const bytes = Buffer.alloc(8 * values.length);
  values.forEach((v, i) => bytes.writeDoubleLE(v, 8 * i));
  return message(field, { bytes, marks: [] });
}

export function packedVarint(field: number, values: readonly number[]): Part {
  if (values.length === 0) return EMPTY;
  return message(field, { bytes: Buffer.from(values.flatMap(varint)), marks: [] });
}

/** A fixed64 timestamp placeholder, written per batch as the batch's time plus `deltaNs`. */
export function time(field: number, deltaNs = 0): Part {
  return withHeader(tag(field, 1), { bytes: Buffer.alloc(8), marks: [{ kind: 'time', offset: 0, item: 0, deltaNs }] });
}

/** A trace or span id placeholder, random per batch. */
export function id(field: number, kind: 'traceId' | 'spanId'): Part {
  const size = kind === 'traceId' ? 16 : 8;
  return message(field, { bytes: Buffer.alloc(size), marks: [{ kind, offset: 0, item: 0, deltaNs: 0 }] });
}

/** AnyValue of a scalar: a string, a bool, an integer (int64) or `{ double }` (a number with a fraction is a double too). */
export function anyValue(value: Scalar): Part[] {
  if (typeof value === 'string') return [string(1, value)];
  if (typeof value === 'boolean') return [bool(2, value)];
  if (typeof value === 'number' && Number.isInteger(value)) return [int64(3, value)];
  return [double(4, typeof value === 'number' ? value : value.double)];
}

/** KeyValue{key, value} as field `field`. */
export function attribute(field: number, key: string, value: Scalar): Part {
  return message(field, string(1, key), message(2, ...anyValue(value)));
}
