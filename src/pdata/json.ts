// OTLP/JSON at the edges of the engine: receivers convert a JSON request to protobuf once (everything inside carries
// protobuf bytes), the console and file exporters render protobuf as OTLP/JSON. Failures are values, never throws.
import type { Signal } from './signal.js';
import { REQUEST_TYPES } from './otlp-schema.js';
import { JsonShapeError, messageFromJson } from './json-to-proto.js';
import { messageToJson } from './proto-to-json.js';

export type JsonToProtoResult = { ok: true; payload: Uint8Array } | { ok: false; reason: string };
export type ProtoToJsonResult = { ok: true; json: Record<string, unknown> } | { ok: false; reason: string };

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** OTLP/JSON text (bytes in UTF-8, or a string) of an Export*ServiceRequest → its protobuf encoding. */
export function otlpJsonToProto(signal: Signal, body: Uint8Array | string): JsonToProtoResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : decoder.decode(body));
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
  }
  try {
    const type = REQUEST_TYPES[signal];
    const message = messageFromJson(type, parsed, '$');
    return { ok: true, payload: type.encode(message).finish() };
  } catch (error) {
    if (error instanceof JsonShapeError) return { ok: false, reason: error.message };
    return { ok: false, reason: `cannot encode request: ${(error as Error).message}` };
  }
}

/** Protobuf encoding of an Export*ServiceRequest → its OTLP/JSON object. */
export function otlpProtoToJson(signal: Signal, payload: Uint8Array): ProtoToJsonResult {
  const type = REQUEST_TYPES[signal];
  try {
    return { ok: true, json: messageToJson(type, type.decode(payload) as unknown as Record<string, unknown>) };
  } catch (error) {
    return { ok: false, reason: `malformed protobuf: ${(error as Error).message}` };
  }
}

export { messageFromJson, messageToJson, JsonShapeError };
