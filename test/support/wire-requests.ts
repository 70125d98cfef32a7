// Random OTLP requests written byte by byte, for comparing the processors' byte paths with their decode paths: every
// AnyValue type, nested arrays and kvlists, empty and absent containers, unknown fields at every level, fields out of
// order, attribute lists split by other fields, multi-byte UTF-8 keys, KeyValues without key or value, repeated keys,
// merged values, and strings long enough that lengths straddle the 1/2/3-byte varint boundaries.
import protobuf from 'protobufjs';
import { REQUEST_TYPES } from '../../src/pdata/otlp-schema.js';
import type { Signal } from '../../src/pipeline/pdata.js';

export type Rng = () => number;

/** mulberry32: small, seeded, good enough to pick shapes. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
const chance = (r: Rng, p: number): boolean => r() < p;
const count = (r: Rng, max: number): number => Math.floor(r() * (max + 1));

// ---- writing the wire format -----------------------------------------------------------------------------------

function varint(value: bigint): number[] {
  let v = BigInt.asUintN(64, value);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

const concat = (parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));
const tag = (field: number, wire: number): number[] => varint(BigInt(field * 8 + wire));
export const len = (field: number, content: Uint8Array): Uint8Array =>
  concat([Uint8Array.from(tag(field, 2)), Uint8Array.from(varint(BigInt(content.length))), content]);
const str = (field: number, text: string): Uint8Array => len(field, new Uint8Array(Buffer.from(text, 'utf8')));
const vint = (field: number, value: bigint | number): Uint8Array => Uint8Array.from([...tag(field, 0), ...varint(BigInt(value))]);
function fixed64(field: number, value: number): Uint8Array {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(value);
  return concat([Uint8Array.from(tag(field, 1)), b]);
}
function fixed32(field: number, value: number): Uint8Array {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return concat([Uint8Array.from(tag(field, 5)), b]);
}

/** A field no OTLP message has, of a random wire type. */
function unknownField(r: Rng): Uint8Array {
  const field = pick(r, [99, 1000, 536_870_911]);
  switch (count(r, 3)) {
    case 0:
      return vint(field, BigInt(Math.floor(r() * 1e6)));
    case 1:
      return fixed64(field, r());
    case 2:
      return fixed32(field, Math.floor(r() * 1e6));
    default:
      return str(field, 'unknown field');
  }
}

/** The parts of a message, in order, then shuffled sometimes, with an unknown field sometimes. */
function message(r: Rng, parts: Uint8Array[]): Uint8Array {
  const all = [...parts];
  if (chance(r, 0.15)) all.splice(count(r, all.length), 0, unknownField(r));
  if (chance(r, 0.15)) {
    for (let i = all.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [all[i], all[j]] = [all[j] as Uint8Array, all[i] as Uint8Array];
    }
  }
  return concat(all);
}

// ---- OTLP content ------------------------------------------------------------------------------------------------

export const KEYS = ['a', 'b', 'env', 'http.method', 'http.request.method', 'service.name', 'ключ', '键.名', 'emoji.😀', 'k'.repeat(130)];
export const STRINGS = ['GET', 'POST', '', 'значение', '値', 'x'.repeat(126), 'y'.repeat(129)];
export const INTS = [0, 1, -1, 200, 2 ** 40, -(2 ** 40)];
export const DOUBLES = [0.5, 1.5, 0, -0, 200, 2 ** 40];

/** Lengths just below and above where a length prefix grows a byte: 127/128, 16383/16384. */
const BOUNDARY_LENGTHS = [120, 125, 126, 127, 128, 129, 16375, 16380, 16382, 16383, 16384, 16386];

function longString(r: Rng): string {
  return 'p'.repeat(pick(r, BOUNDARY_LENGTHS));
}

function anyValue(r: Rng, depth: number): Uint8Array {
  const members: Uint8Array[] = [];
  const n = chance(r, 0.05) ? 2 : chance(r, 0.03) ? 0 : 1; // two members: the last one wins; none: an empty AnyValue
  for (let i = 0; i < n; i++) {
    switch (count(r, depth > 2 ? 4 : 6)) {
      case 0:
        members.push(str(1, chance(r, 0.1) ? longString(r) : pick(r, STRINGS)));
        break;
      case 1:
        members.push(vint(2, chance(r, 0.5) ? 1 : 0));
        break;
      case 2:
        members.push(vint(3, pick(r, INTS)));
        break;
      case 3:
        members.push(fixed64(4, pick(r, DOUBLES)));
        break;
      case 4:
        members.push(len(7, Uint8Array.from([1, 2, 3].slice(0, count(r, 3)))));
        break;
      case 5: {
        const values = Array.from({ length: count(r, 3) }, () => len(1, anyValue(r, depth + 1)));
        members.push(len(5, concat(values)));
        break;
      }
      default: {
        const values = Array.from({ length: count(r, 3) }, () => len(1, keyValue(r, depth + 1)));
        members.push(len(6, concat(values)));
      }
    }
  }
  return message(r, members);
}

function keyValue(r: Rng, depth: number): Uint8Array {
  const key = str(1, pick(r, KEYS));
  const value = len(2, anyValue(r, depth));
  const shape = r();
  if (shape < 0.03) return key; // no value
  if (shape < 0.05) return value; // no key: it decodes as ''
  if (shape < 0.08) return concat([value, key]); // key after value
  if (shape < 0.1) return concat([str(1, pick(r, KEYS)), key, value]); // two keys: the last wins
  if (shape < 0.12) return concat([key, value, len(2, anyValue(r, depth))]); // two values: merged
  return message(r, [key, value]);
}

/** An attribute list as fields `field`, sometimes with a repeated key. */
function attributes(r: Rng, field: number, max: number): Uint8Array[] {
  const list = Array.from({ length: count(r, max) }, () => len(field, keyValue(r, 0)));
  if (list.length > 0 && chance(r, 0.1)) list.push(list[0] as Uint8Array);
  return list;
}

/** Other fields of a record mixed in among its attributes, sometimes splitting the list. */
function withAttributes(r: Rng, others: Uint8Array[], attrs: Uint8Array[]): Uint8Array {
  if (chance(r, 0.2)) {
    const all = [...others];
    for (const a of attrs) all.splice(count(r, all.length), 0, a);
    return message(r, all);
  }
  return message(r, [...others, ...attrs]);
}

function severity(r: Rng): Uint8Array[] {
  const s = r();
  if (s < 0.1) return [];
  if (s < 0.15) return [vint(2, 0)];
  if (s < 0.17) return [vint(2, -1)];
  if (s < 0.19) return [vint(2, 3), vint(2, pick(r, [9, 17]))]; // repeated: the last wins
  return [vint(2, 1 + count(r, 23))];
}

function logRecord(r: Rng): Uint8Array {
  const others = [
    fixed64(1, 1.7e18),
    ...severity(r),
    str(3, 'INFO'),
    len(5, anyValue(r, 1)),
    fixed32(8, 1),
    len(9, new Uint8Array(16).fill(7)),
    len(10, new Uint8Array(8).fill(3)),
  ];
  if (chance(r, 0.1)) others.push(str(12, longString(r)));
  return withAttributes(r, others, attributes(r, 6, 6));
}

function span(r: Rng): Uint8Array {
  const others = [
    len(1, new Uint8Array(16).fill(1)),
    len(2, new Uint8Array(8).fill(2)),
    str(5, chance(r, 0.1) ? longString(r) : 'op'),
    vint(6, 2),
    fixed64(7, 1.7e18),
    fixed64(8, 1.7e18),
  ];
  if (chance(r, 0.3)) others.push(len(11, message(r, [fixed64(1, 1), str(2, 'event'), ...attributes(r, 3, 2)])));
  if (chance(r, 0.2)) others.push(len(13, message(r, [len(1, new Uint8Array(16)), len(2, new Uint8Array(8)), ...attributes(r, 4, 2)])));
  if (chance(r, 0.3)) others.push(len(15, message(r, [str(2, 'status'), vint(3, 2)])));
  return withAttributes(r, others, attributes(r, 9, 6));
}

/** Metric data: [Metric field, data point attribute field, data point exemplars field (0: none)]. */
const METRIC_DATA: ReadonlyArray<[number, number, number]> = [
  [5, 7, 5],
  [7, 7, 5],
  [9, 9, 8],
  [10, 1, 11],
  [11, 7, 0],
];

/** An Exemplar with its filtered_attributes (field 7). */
function exemplar(r: Rng): Uint8Array {
  return withAttributes(r, [fixed64(2, 1.7e18), fixed64(3, 0.5)], attributes(r, 7, 3));
}

function metric(r: Rng): Uint8Array {
  const parts = [str(1, 'metric'), str(3, 'ms')];
  if (chance(r, 0.2)) parts.push(...attributes(r, 12, 3)); // metadata
  if (!chance(r, 0.05)) {
    const [dataField, attrField, exemplarsField] = pick(r, METRIC_DATA);
    const points = Array.from({ length: count(r, 4) }, () => {
      const others = [fixed64(2, 1), fixed64(3, 2), fixed64(4, 1.5)];
      if (exemplarsField > 0 && chance(r, 0.3)) others.push(len(exemplarsField, exemplar(r)));
      if (exemplarsField > 0 && chance(r, 0.1)) others.push(len(exemplarsField, exemplar(r)));
      return len(1, withAttributes(r, others, attributes(r, attrField, 4)));
    });
    parts.push(len(dataField, message(r, [...points, ...(dataField === 7 ? [vint(2, 2), vint(3, 1)] : [])])));
  }
  return message(r, parts);
}

const RECORD: Record<Signal, (r: Rng) => Uint8Array> = { logs: logRecord, traces: span, metrics: metric };

function scopeItem(r: Rng, signal: Signal): Uint8Array {
  const parts: Uint8Array[] = [];
  if (!chance(r, 0.2)) parts.push(len(1, message(r, [str(1, 'scope'), str(2, '1.0'), ...attributes(r, 3, 3)])));
  const records = chance(r, 0.1) ? 0 : 1 + count(r, 5);
  for (let i = 0; i < records; i++) parts.push(len(2, RECORD[signal](r)));
  if (chance(r, 0.3)) parts.push(str(3, 'https://schema'));
  return message(r, parts);
}

function resourceItem(r: Rng, signal: Signal): Uint8Array {
  const parts: Uint8Array[] = [];
  if (!chance(r, 0.2)) parts.push(len(1, message(r, [...attributes(r, 1, 5), ...(chance(r, 0.2) ? [vint(2, 3)] : [])])));
  const scopes = chance(r, 0.1) ? 0 : 1 + count(r, 2);
  for (let i = 0; i < scopes; i++) parts.push(len(2, scopeItem(r, signal)));
  if (chance(r, 0.3)) parts.push(str(3, 'https://schema'));
  return message(r, parts);
}

/** A random Export*ServiceRequest of `signal`. */
export function randomRequest(r: Rng, signal: Signal): Uint8Array {
  const resources = 1 + count(r, 2);
  const parts = Array.from({ length: resources }, () => len(1, resourceItem(r, signal)));
  if (chance(r, 0.1)) parts.push(unknownField(r));
  return concat(parts);
}

/** One log record with a rename-able attribute and a body `bodyLength` long, to walk a length across a boundary. */
export function boundaryLogs(bodyLength: number, key: string): Uint8Array {
  const record = concat([len(5, str(1, 'b'.repeat(bodyLength))), len(6, concat([str(1, key), len(2, str(1, 'v'))]))]);
  return len(1, len(2, len(2, record)));
}

/** The request as protobufjs re-encodes it after decoding (unknown fields kept): equal ones mean equal requests. */
export function canonical(signal: Signal, bytes: Uint8Array): Buffer {
  const reader = protobuf.Reader.create(bytes);
  reader.discardUnknown = false;
  const type = REQUEST_TYPES[signal];
  return Buffer.from(type.encode(type.decode(reader)).finish());
}
