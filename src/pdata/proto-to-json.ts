// Decoded protobuf message → OTLP/JSON object: lowerCamelCase keys, 64-bit integers as decimal strings, enums as
// integers, trace/span ids as hex, other bytes as base64, non-finite doubles as "NaN"/"Infinity"; implicit-presence
// fields at their default value are left out, as the protobuf JSON mapping does.
import protobuf from 'protobufjs';
import { isIdField } from './json-fields.js';

type Plain = Record<string, unknown>;

function isLong(v: unknown): v is protobuf.Long {
  return typeof v === 'object' && v !== null && 'low' in v && 'high' in v;
}

function isDefault(field: protobuf.Field, v: unknown): boolean {
  if (typeof v === 'number') return v === 0 && !Object.is(v, -0);
  if (typeof v === 'string') return v === '';
  if (typeof v === 'boolean') return !v;
  if (v instanceof Uint8Array) return v.length === 0;
  if (isLong(v)) return v.low === 0 && v.high === 0;
  return field.resolvedType instanceof protobuf.Type ? false : v == null;
}

function scalarToJson(field: protobuf.Field, v: unknown): unknown {
  if (isLong(v)) return v.toString();
  if (typeof v === 'number') {
    if (field.long) return String(v);
    if (Number.isFinite(v)) return v;
    return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  }
  if (v instanceof Uint8Array) {
    const b = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    return isIdField(field) ? b.toString('hex') : b.toString('base64');
  }
  return v;
}

function valueToJson(field: protobuf.Field, v: unknown): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return messageToJson(resolved, v as Plain);
  return scalarToJson(field, v);
}

/** Converts a message decoded by `type.decode` (or a plain object of the same shape) to its OTLP/JSON form. */
export function messageToJson(type: protobuf.Type, message: Plain): Plain {
  const out: Plain = {};
  for (const field of type.fieldsArray) {
    const v = message[field.name];
    if (v === null || v === undefined) continue;
    if (field.repeated) {
      const list = v as unknown[];
      if (list.length > 0) out[field.name] = list.map((e) => valueToJson(field, e));
      continue;
    }
    // Decoded messages carry defaults on their prototype; only own properties were on the wire.
    if (!Object.prototype.hasOwnProperty.call(message, field.name)) continue;
    if (!field.hasPresence && isDefault(field, v)) continue;
    out[field.name] = valueToJson(field, v);
  }
  return out;
}
