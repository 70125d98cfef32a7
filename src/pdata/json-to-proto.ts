// OTLP/JSON → protobuf message objects ready for `Type.encode`, checking shapes strictly: a wrong type anywhere is a
// JsonShapeError naming the path. Unknown keys are ignored, as the OTLP/JSON spec requires for forward compatibility.
import protobuf from 'protobufjs';
import { fieldsByJsonKey, idLength, isIdField, realOneof } from './json-fields.js';

export class JsonShapeError extends Error {}

type Plain = Record<string, unknown>;

const INT_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  int32: [-0x80000000, 0x7fffffff],
  sint32: [-0x80000000, 0x7fffffff],
  sfixed32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
  fixed32: [0, 0xffffffff],
};
const LONG_RANGES: Readonly<Record<string, readonly [bigint, bigint, boolean]>> = {
  int64: [-(2n ** 63n), 2n ** 63n - 1n, false],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n, false],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n, false],
  uint64: [0n, 2n ** 64n - 1n, true],
  fixed64: [0n, 2n ** 64n - 1n, true],
};
const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const INTEGER = /^-?[0-9]+$/;

function describe(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

function shape(path: string, expected: string, v: unknown): JsonShapeError {
  return new JsonShapeError(`${path}: expected ${expected}, got ${describe(v)}`);
}

function integer(v: unknown, path: string): bigint {
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && INTEGER.test(v)) return BigInt(v);
  throw shape(path, 'an integer (number or decimal string)', v);
}

/** The {low, high} shape protobufjs's writer accepts for 64-bit fields (what a Long carries), from any bigint. */
function longBits(n: bigint, unsigned: boolean): { low: number; high: number; unsigned: boolean } {
  const bits = BigInt.asUintN(64, n);
  return { low: Number(bits & 0xffffffffn) | 0, high: Number(bits >> 32n) | 0, unsigned };
}

function scalar(field: protobuf.Field, v: unknown, path: string): unknown {
  const int = INT_RANGES[field.type];
  if (int) {
    const n = integer(v, path);
    if (n < BigInt(int[0]) || n > BigInt(int[1])) throw new JsonShapeError(`${path}: ${n} out of range for ${field.type}`);
    return Number(n);
  }
  const long = LONG_RANGES[field.type];
  if (long) {
    const n = integer(v, path);
    if (n < long[0] || n > long[1]) throw new JsonShapeError(`${path}: ${n} out of range for ${field.type}`);
    return longBits(n, long[2]);
  }
  switch (field.type) {
    case 'string':
      if (typeof v !== 'string') throw shape(path, 'a string', v);
      return v;
    case 'bool':
      if (typeof v !== 'boolean') throw shape(path, 'a boolean', v);
      return v;
    case 'double':
    case 'float':
      if (typeof v === 'number') return v;
      if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return Number(v);
      if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
      throw shape(path, 'a number', v);
    case 'bytes':
      return bytes(field, v, path);
    default:
      throw new JsonShapeError(`${path}: unsupported field type ${field.type}`);
  }
}

function bytes(field: protobuf.Field, v: unknown, path: string): Uint8Array {
  if (typeof v !== 'string') throw shape(path, isIdField(field) ? 'a hex string' : 'a base64 string', v);
  if (!isIdField(field)) {
    if (!BASE64.test(v)) throw new JsonShapeError(`${path}: not base64`);
    return Buffer.from(v, 'base64');
  }
  if (!HEX.test(v)) throw new JsonShapeError(`${path}: not an even-length hex string`);
  const want = idLength(field);
  if (v.length !== 0 && v.length !== want * 2) throw new JsonShapeError(`${path}: an id of ${want} bytes has ${want * 2} hex digits`);
  return Buffer.from(v, 'hex');
}

function value(field: protobuf.Field, v: unknown, path: string): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return messageFromJson(resolved, v, path);
  if (resolved instanceof protobuf.Enum) {
    if (typeof v === 'string') {
      const id = resolved.values[v];
      if (id === undefined) throw new JsonShapeError(`${path}: unknown ${resolved.name} value "${v}"`);
      return id;
    }
    // Enums are open in proto3: an unknown number is kept.
    if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 0x7fffffff) return v;
    throw shape(path, `a ${resolved.name} name or number`, v);
  }
  return scalar(field, v, path);
}

/** Converts one JSON object to a message of `type`; throws JsonShapeError on a wrong shape. */
export function messageFromJson(type: protobuf.Type, json: unknown, path: string): Plain {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw shape(path, 'an object', json);
  const index = fieldsByJsonKey(type);
  const out: Plain = {};
  for (const [key, v] of Object.entries(json)) {
    const field = index.get(key);
    // null means "default" in the protobuf JSON mapping.
    if (!field || v === null) continue;
    const at = `${path}.${key}`;
    if (field.repeated) {
      if (!Array.isArray(v)) throw shape(at, 'an array', v);
      out[field.name] = v.map((e: unknown, i) => value(field, e, `${at}[${i}]`));
      continue;
    }
    const oneof = realOneof(field);
    if (oneof && oneof.oneof.some((name) => name !== field.name && name in out)) {
      throw new JsonShapeError(`${at}: more than one field of oneof ${oneof.name} is set`);
    }
    out[field.name] = value(field, v, at);
  }
  return out;
}
