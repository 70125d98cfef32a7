// Reads `partial_success` from an OTLP Export*ServiceResponse without a schema: the three signals share its shape,
// `partial_success = 1 { int64 rejected_<items> = 1; string error_message = 2; }`, in protobuf and in OTLP/JSON.
import protobuf from 'protobufjs/minimal.js';

export interface PartialSuccess {
  rejected: number;
  message: string;
}

const WIRE_VARINT = 0;
const WIRE_LEN = 2;

/**
 * The body is read as JSON when its Content-Type says so, as protobuf when it says so, and otherwise as what the
 * request was (`defaultJson`): an OTLP/HTTP server answers in the Content-Type of the request.
 */
export function parsePartialSuccess(body: Buffer, contentType: string | undefined, defaultJson = false): PartialSuccess | undefined {
  if (body.length === 0) return undefined;
  const type = contentType?.toLowerCase() ?? '';
  const json = type.includes('json') || (defaultJson && !type.includes('protobuf'));
  try {
    return json ? fromJson(body) : fromProtobuf(body);
  } catch {
    // A body we cannot read is no reason to fail an export the peer accepted.
    return undefined;
  }
}

function fromProtobuf(body: Uint8Array): PartialSuccess | undefined {
  const reader = protobuf.Reader.create(body);
  let found: PartialSuccess | undefined;
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === WIRE_LEN) found = readPartial(reader.bytes());
    else reader.skipType(tag & 7);
  }
  return found && (found.rejected > 0 || found.message !== '') ? found : undefined;
}

function readPartial(bytes: Uint8Array): PartialSuccess {
  const reader = protobuf.Reader.create(bytes);
  const result: PartialSuccess = { rejected: 0, message: '' };
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === WIRE_VARINT) result.rejected = Number(reader.int64().toString());
    else if (field === 2 && (tag & 7) === WIRE_LEN) result.message = reader.string();
    else reader.skipType(tag & 7);
  }
  return result;
}

function fromJson(body: Buffer): PartialSuccess | undefined {
  const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown> | null;
  // lowerCamelCase is the OTLP/JSON form; protobuf JSON parsers also accept the proto field names, so peers may send them.
  const partial = parsed?.partialSuccess ?? parsed?.partial_success;
  if (!partial || typeof partial !== 'object') return undefined;
  const fields = partial as Record<string, unknown>;
  const key = Object.keys(fields).find((k) => k.startsWith('rejected'));
  const rejected = key === undefined ? 0 : Number(fields[key] ?? 0);
  const text = fields.errorMessage ?? fields.error_message;
  const result = { rejected: Number.isFinite(rejected) ? rejected : 0, message: typeof text === 'string' ? text : '' };
  return result.rejected > 0 || result.message !== '' ? result : undefined;
}
