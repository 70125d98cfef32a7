// Reads `partial_success` from an OTLP Export*ServiceResponse without a schema: the three signals share its shape,
// `partial_success = 1 { int64 rejected_<items> = 1; string error_message = 2; }`, in protobuf and in OTLP/JSON.
import protobuf from 'protobufjs/minimal.js';

export interface PartialSuccess {
  rejected: number;
  message: string;
}

const WIRE_VARINT = 0;
const WIRE_LEN = 2;

export function parsePartialSuccess(body: Buffer, contentType: string | undefined): PartialSuccess | undefined {
  if (body.length === 0) return undefined;
  try {
    return contentType?.includes('json') ? fromJson(body) : fromProtobuf(body);
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
  const parsed = JSON.parse(body.toString('utf8')) as { partialSuccess?: Record<string, unknown> };
  const partial = parsed.partialSuccess;
  if (!partial || typeof partial !== 'object') return undefined;
  const key = Object.keys(partial).find((k) => k.startsWith('rejected'));
  const rejected = key === undefined ? 0 : Number(partial[key] ?? 0);
  const message = typeof partial.errorMessage === 'string' ? partial.errorMessage : '';
  const result = { rejected: Number.isFinite(rejected) ? rejected : 0, message };
  return result.rejected > 0 || result.message !== '' ? result : undefined;
}
