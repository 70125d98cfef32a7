// Bodies the OTLP receiver answers with. Success is an empty Export*ServiceResponse, or one with partial_success when
// the request waited for its result and a peer downstream rejected part of it (docs/configuration.md, receiver:otlp);
// errors are a google.rpc.Status, encoded like the request (OTLP/HTTP spec).
import type { Signal } from '../../../pipeline/pdata.js';
import { RESPONSE_TYPES, RetryInfo, RpcStatus } from '../../../pdata/otlp-schema.js';
import type { WireEncoding } from './http-media.js';

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

/** The `rejected_<items>` field of each signal's ExportXPartialSuccess, as protobufjs and OTLP/JSON name it. */
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
  const response = { partialSuccess: { [REJECTED_FIELD[signal]]: rejected, errorMessage: message } };
  return Buffer.from(RESPONSE_TYPES[signal].encode(RESPONSE_TYPES[signal].fromObject(response)).finish());
}

/** The success answer for a request whose result was `outcome`: partial when items were rejected downstream. */
export function deliveredBody(signal: Signal, encoding: WireEncoding, outcome: { rejectedItems?: number; message?: string }): Buffer {
  const rejected = outcome.rejectedItems ?? 0;
  if (rejected <= 0) return SUCCESS[encoding];
  return partialSuccessBody(signal, encoding, rejected, outcome.message ?? `${rejected} items were rejected downstream`);
}

export function statusBody(encoding: WireEncoding, code: number, message: string): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify({ code, message }));
  return Buffer.from(RpcStatus.encode({ code, message }).finish());
}

/**
 * `grpc-status-details-bin` for a refusal: a google.rpc.Status whose RetryInfo tells OTLP clients when to retry
 * (the OTLP spec makes RESOURCE_EXHAUSTED retryable only with this hint).
 */
export function retryStatusDetails(code: number, message: string, retryDelaySeconds: number): Buffer {
  const retryInfo = RetryInfo.encode({ retryDelay: { seconds: retryDelaySeconds, nanos: 0 } }).finish();
  const status = RpcStatus.encode({
    code,
    message,
    details: [{ typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', value: retryInfo }],
  }).finish();
  return Buffer.from(status);
}
