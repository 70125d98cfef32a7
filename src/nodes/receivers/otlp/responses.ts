// Bodies the OTLP receiver answers with. Success is an empty Export*ServiceResponse, or one with partial_success when
// the request waited for its result and a peer downstream rejected part of it (docs/configuration.md, receiver:otlp);
// errors are a google.rpc.Status, encoded like the request (OTLP/HTTP spec). The few small messages answered here are
// encoded field by field (`encodeMessage`): the receiver then needs no protobuf reflection, whose schema of all of OTLP
// costs every instance about 3 MiB (docs/benchmarks.md, Memory); test/nodes/otlp-receiver-responses.test.ts decodes
// them with the schema.
import type { Signal } from '../../../pipeline/pdata.js';
import { varintSize, writeVarint } from '../../../pdata/wire-reader.js';
import type { WireEncoding } from './http-media.js';

/** A field of a message to encode: a varint (non-negative integer), or bytes / a string (length-delimited). */
type Field = readonly [field: number, value: number | Uint8Array | string];

/** The protobuf encoding of `fields`, in order. */
function encodeMessage(fields: readonly Field[]): Buffer {
  const parts = fields.map(([field, value]) => {
    if (typeof value === 'number') return { tag: field * 8, bytes: undefined, value };
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    return { tag: field * 8 + 2, bytes, value: bytes.byteLength };
  });
  const size = parts.reduce((sum, p) => sum + varintSize(p.tag) + varintSize(p.value) + (p.bytes?.byteLength ?? 0), 0);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const part of parts) {
    at = writeVarint(out, at, part.tag);
    at = writeVarint(out, at, part.value);
    if (part.bytes !== undefined) {
      out.set(part.bytes, at);
      at += part.bytes.byteLength;
    }
  }
  return out;
}

/** google.rpc.Code values used here. */
export const RpcCode = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  UNAVAILABLE: 14,
} as const;

/** The status code carried in an HTTP error body. */
export function rpcCodeForHttp(status: number): number {
  switch (status) {
    case 404:
      return RpcCode.NOT_FOUND;
    case 405:
      return RpcCode.UNIMPLEMENTED;
    case 413:
    case 429:
      return RpcCode.RESOURCE_EXHAUSTED;
    case 503:
      return RpcCode.UNAVAILABLE;
    default:
      return RpcCode.INVALID_ARGUMENT;
  }
}

// An Export*ServiceResponse without partial_success encodes to zero bytes in protobuf and `{}` in JSON, whatever the
// signal, so one constant per encoding serves all three.
const SUCCESS: Readonly<Record<WireEncoding, Buffer>> = {
  protobuf: Buffer.alloc(0),
  json: Buffer.from('{}'),
};

export function successBody(encoding: WireEncoding): Buffer {
  return SUCCESS[encoding];
}

/** The `rejected_<items>` field of each signal's ExportXPartialSuccess, as OTLP/JSON names it (field 1 in protobuf). */
const REJECTED_FIELD: Readonly<Record<Signal, string>> = {
  logs: 'rejectedLogRecords',
  traces: 'rejectedSpans',
  metrics: 'rejectedDataPoints',
};

/** An Export*ServiceResponse whose partial_success says that `rejected` items were rejected, and why. */
export function partialSuccessBody(signal: Signal, encoding: WireEncoding, rejected: number, message: string): Buffer {
  if (encoding === 'json') {
    // OTLP/JSON writes int64 as a decimal string.
    return Buffer.from(JSON.stringify({ partialSuccess: { [REJECTED_FIELD[signal]]: String(rejected), errorMessage: message } }));
  }
  // Export*ServiceResponse { partial_success = 1 { rejected_<items> = 1; error_message = 2 } }
  return encodeMessage([[1, encodeMessage([[1, rejected], [2, message]])]]);
}

/** The success answer for a request whose result was `outcome`: partial when items were rejected downstream. */
export function deliveredBody(signal: Signal, encoding: WireEncoding, outcome: { rejectedItems?: number; message?: string }): Buffer {
  const rejected = outcome.rejectedItems ?? 0;
  if (rejected <= 0) return SUCCESS[encoding];
  return partialSuccessBody(signal, encoding, rejected, outcome.message ?? `${rejected} items were rejected downstream`);
}

export function statusBody(encoding: WireEncoding, code: number, message: string): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  // google.rpc.Status { code = 1; message = 2 }
  return encodeMessage([[1, code], [2, message]]);
}

/**
 * `grpc-status-details-bin` for a refusal: a google.rpc.Status whose RetryInfo tells OTLP clients when to retry
 * (the OTLP spec makes RESOURCE_EXHAUSTED retryable only with this hint).
 */
export function retryStatusDetails(code: number, message: string, retryDelaySeconds: number): Buffer {
  // google.rpc.RetryInfo { retry_delay = 1: google.protobuf.Duration { seconds = 1 } }, in a google.protobuf.Any
  // { type_url = 1; value = 2 } as the Status's details (field 3).
  const retryInfo = encodeMessage([[1, encodeMessage([[1, retryDelaySeconds]])]]);
  const detail = encodeMessage([[1, 'type.googleapis.com/google.rpc.RetryInfo'], [2, retryInfo]]);
  return encodeMessage([[1, code], [2, message], [3, detail]]);
}
