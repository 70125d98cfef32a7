// Maps how an OTLP/gRPC call ended to an export outcome, following the OTLP/gRPC spec: OK accepted (reading
// partial_success); CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE and DATA_LOSS are transient;
// RESOURCE_EXHAUSTED is transient only when the server says when to come back (a google.rpc.RetryInfo in the status
// details), since without it the server may be refusing for good; every other code is final.
import type { ExportResult } from '../../../pipeline/pdata.js';
import { RetryInfo, RpcStatus } from '../../../pdata/otlp-schema.js';
import { parsePartialSuccess, type PartialSuccess } from '../otlp-http/partial-success.js';

/** gRPC status codes (the numbering every gRPC implementation shares). */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

const CODE_NAMES = new Map<number, string>(Object.entries(GrpcCode).map(([name, code]) => [code, name]));
const RETRYABLE = new Set<number>([
  GrpcCode.CANCELLED,
  GrpcCode.DEADLINE_EXCEEDED,
  GrpcCode.ABORTED,
  GrpcCode.OUT_OF_RANGE,
  GrpcCode.UNAVAILABLE,
  GrpcCode.DATA_LOSS,
]);
const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';
const MAX_REASON_CHARS = 200;

export type CallOutcome =
  | { kind: 'ok'; response: Buffer }
  /** `statusDetails`: the `grpc-status-details-bin` trailer (an encoded google.rpc.Status), when sent. */
  | { kind: 'status'; code: number; details: string; statusDetails?: Buffer };

export interface Classified {
  result: ExportResult;
  /** Set on an OK answer that carried partial_success. */
  partial?: PartialSuccess;
}

export function classify(outcome: CallOutcome): Classified {
  if (outcome.kind === 'ok') {
    // The response is always protobuf on gRPC; an unreadable one is no reason to fail an export the peer accepted.
    const partial = parsePartialSuccess(outcome.response, undefined);
    if (!partial) return { result: { kind: 'success' } };
    return { result: { kind: 'success', rejectedItems: partial.rejected, message: partial.message }, partial };
  }
  const { code } = outcome;
  const reason = describe(code, outcome.details);
  const hint = outcome.statusDetails ? retryHint(outcome.statusDetails) : undefined;
  if (RETRYABLE.has(code) || (code === GrpcCode.RESOURCE_EXHAUSTED && hint !== undefined)) {
    const retryAfterMs = hint?.delayMs;
    return { result: retryAfterMs === undefined ? { kind: 'retryable', reason } : { kind: 'retryable', reason, retryAfterMs } };
  }
  return { result: { kind: 'failure', reason } };
}

function describe(code: number, details: string): string {
  const name = CODE_NAMES.get(code) ?? `status ${code}`;
  const text = details.replace(/\s+/g, ' ').trim().slice(0, MAX_REASON_CHARS);
  return text === '' ? name : `${name}: ${text}`;
}

export interface RetryHint {
  /** The server's retry_delay in milliseconds; absent when it gave none (or zero): the runtime's backoff decides. */
  delayMs?: number;
}

/** The RetryInfo among the details of an encoded google.rpc.Status, or undefined when there is none. */
export function retryHint(statusDetails: Uint8Array): RetryHint | undefined {
  try {
    const status = RpcStatus.toObject(RpcStatus.decode(statusDetails), { longs: String }) as {
      details?: Array<{ typeUrl?: string; value?: Uint8Array }>;
    };
    const any = status.details?.find((d) => d.typeUrl === RETRY_INFO_TYPE);
    if (!any) return undefined;
    const info = RetryInfo.toObject(RetryInfo.decode(any.value ?? new Uint8Array()), { longs: String }) as {
      retryDelay?: { seconds?: string; nanos?: number };
    };
    const ms = Number(info.retryDelay?.seconds ?? 0) * 1000 + (info.retryDelay?.nanos ?? 0) / 1e6;
    // A zero delay taken literally would retry in a tight loop; the backoff paces it instead.
    return Number.isFinite(ms) && ms > 0 ? { delayMs: Math.ceil(ms) } : {};
  } catch {
    // Details we cannot read carry no hint; the code alone decides.
    return undefined;
  }
}
