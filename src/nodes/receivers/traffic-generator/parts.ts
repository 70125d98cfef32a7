// A tiny protobuf writer that remembers where the varying fields are. Templates are built from Parts; each Part keeps
// the offsets of its placeholders (marks) through nesting and concatenation, so a batch is a copy of the template
// with a few fixed-width fields overwritten, never a re-encoding.

export type MarkKind =
  /** fixed64 nanoseconds since the epoch; `deltaNs` is added to the batch's time. */
  | 'time'
  /** 16-byte trace id. */
  | 'traceId'
  /** 8-byte span id. */
  | 'spanId'
  /** SEQ_DIGITS ASCII digits of the item's sequence number, inside a string. */
  | 'seq'
  /** sfixed64 holding the item's sequence number. */
  | 'seqInt'
  /** ASCII digits of the item's `gen.key` value, inside a string (how many: the template knows). */
  | 'key';

export interface Mark {
  kind: MarkKind;
  offset: number;
  /** Which item of the batch the mark belongs to. */
  item: number;
  deltaNs: number;
}

export interface Part {
  bytes: Buffer;
  marks: Mark[];
}

export const SEQ_DIGITS = 12;

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

const tag = (field: number, wire: number): number[] => varint(field * 8 + wire);

function withHeader(header: number[], content: Part): Part {
  return {
    bytes: Buffer.concat([Buffer.from(header), content.bytes]),
    marks: content.marks.map((m) => ({ ...m, offset: m.offset + header.length })),
  };
}

export function concat(parts: Part[]): Part {
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

/** A string with the item's sequence number, zero-padded, between `before` and `after`. */
export function seqString(field: number, before: string, after = ''): Part {
  const prefix = Buffer.from(before, 'utf8');
  const body: Part = {
    bytes: Buffer.concat([prefix, Buffer.alloc(SEQ_DIGITS, '0'), Buffer.from(after, 'utf8')]),
    marks: [{ kind: 'seq', offset: prefix.length, item: 0, deltaNs: 0 }],
  };
  return message(field, body);
}

export function uvarint(field: number, value: number): Part {
  return { bytes: Buffer.from([...tag(field, 0), ...varint(value)]), marks: [] };
}

export function fixed32(field: number, value: number): Part {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  return { bytes: Buffer.concat([Buffer.from(tag(field, 5)), bytes]), marks: [] };
}

/** A 64-bit fixed-width placeholder (fixed64 time or sfixed64 sequence number). */
export function fixed64(field: number, kind: 'time' | 'seqInt', deltaNs = 0): Part {
  return withHeader(tag(field, 1), { bytes: Buffer.alloc(8), marks: [{ kind, offset: 0, item: 0, deltaNs }] });
}

/** A trace or span id placeholder. */
export function id(field: number, kind: 'traceId' | 'spanId'): Part {
  const size = kind === 'traceId' ? 16 : 8;
  return message(field, { bytes: Buffer.alloc(size), marks: [{ kind, offset: 0, item: 0, deltaNs: 0 }] });
}

/** KeyValue{key, value: AnyValue{string_value}} as field `field`. */
export function stringAttribute(field: number, key: string, value: string): Part {
  return message(field, string(1, key), message(2, string(1, value)));
}

/** KeyValue{key, value: AnyValue{string_value: `k` and `width` digits}} as field `field`, the digits a `key` mark. */
export function keyAttribute(field: number, key: string, width: number): Part {
  const value: Part = {
    bytes: Buffer.concat([Buffer.from('k'), Buffer.alloc(width, '0')]),
    marks: [{ kind: 'key', offset: 1, item: 0, deltaNs: 0 }],
  };
  return message(field, string(1, key), message(2, message(1, value)));
}
