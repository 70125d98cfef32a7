// Building OTLP requests as OTLP/JSON objects, then encoding them with the project's protobuf schema: the engine's own
// telemetry is small, and the JSON form keeps the builders readable.
import type protobuf from 'protobufjs';
import { messageFromJson } from '../../../pdata/json-to-proto.js';

export type JsonObject = Record<string, unknown>;

/** A JS value as an OTLP AnyValue: integers as intValue, other numbers as doubleValue, objects as their JSON text. */
export function anyValue(value: unknown): JsonObject {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isSafeInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (typeof value === 'bigint') return { intValue: value.toString() };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  return { stringValue: JSON.stringify(value) ?? String(value) };
}

export function keyValues(attributes: Readonly<Record<string, unknown>>): JsonObject[] {
  return Object.entries(attributes)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => ({ key, value: anyValue(value) }));
}

/** Encodes an OTLP/JSON request; a shape error here is a bug in the builders and throws. */
export function encodeJson(type: protobuf.Type, json: JsonObject): Uint8Array {
  return type.encode(messageFromJson(type, json, '$')).finish();
}

export function nanos(ms: number): string {
  return (BigInt(Math.round(ms)) * 1_000_000n).toString();
}
