// The one registry of admin API error codes (CONTRACT.md §3). Codes are stable: clients branch on them, so a code is
// never renamed or re-purposed; new outcomes get new codes. docs/admin/errors.md documents each one and a test keeps the
// two in step.

export type ErrorKind =
  | 'group_not_found'
  | 'pipeline_not_found'
  | 'rollout_not_found'
  | 'shutdown_not_found'
  | 'conflict'
  | 'invalid_request'
  | 'unauthorized'
  | 'internal';

export interface ErrorSpec {
  readonly kind: ErrorKind;
  readonly status: number;
}

function spec(kind: ErrorKind, status: number): ErrorSpec {
  return Object.freeze({ kind, status });
}

export const ERROR_REGISTRY = Object.freeze({
  GroupNotFound: spec('group_not_found', 404),
  PipelineNotFound: spec('pipeline_not_found', 404),
  RolloutNotFound: spec('rollout_not_found', 404),
  ShutdownNotFound: spec('shutdown_not_found', 404),
  // CONTRACT's kinds are fixed and name no reconcile. A reconcile is the rollout of a whole config (its record lists
  // the rollouts it made), and a client that polled a vanished operation does the same thing for either: so the
  // closest kind is rollout_not_found, not invalid_request (the request is well formed; its target is missing).
  ReconcileNotFound: spec('rollout_not_found', 404),
  // An unknown path is the caller's mistake, not a missing resource: no resource kind fits, so invalid_request.
  RouteNotFound: spec('invalid_request', 404),
  // Upstream answers 404 while the in-memory log tap is off; the path exists, the feature is switched off by config.
  LogTapDisabled: spec('invalid_request', 404),
  MethodNotAllowed: spec('invalid_request', 405),
  PipelineBusy: spec('conflict', 409),
  GroupExists: spec('conflict', 409),
  // The three *Failed codes and WaitTimeout are no longer answered: a waited operation that failed or ran out of time
  // answers with its record as the body, as upstream's. Codes are never removed or re-purposed, so they stay reserved.
  RolloutFailed: spec('conflict', 409),
  ShutdownFailed: spec('conflict', 409),
  ReconcileFailed: spec('conflict', 409),
  PipelineRunning: spec('conflict', 409),
  // Upstream answers a shutdown of a pipeline with nothing running 422 invalid_request: the request asks the impossible.
  PipelineStopped: spec('invalid_request', 422),
  InvalidPipelineConfig: spec('invalid_request', 422),
  // A whole config document (reconcile), kept apart from InvalidPipelineConfig so that no code widens its meaning.
  InvalidConfig: spec('invalid_request', 422),
  // The body of `POST /groups/{group}`: not an empty group, or settings invalid in the committed config.
  InvalidGroupConfig: spec('invalid_request', 422),
  InvalidRequestBody: spec('invalid_request', 400),
  MalformedJson: spec('invalid_request', 400),
  UnsupportedMediaType: spec('invalid_request', 415),
  PayloadTooLarge: spec('invalid_request', 413),
  InvalidQueryParameter: spec('invalid_request', 400),
  InvalidPathParameter: spec('invalid_request', 400),
  // The HTTP framing itself was broken (answered from the socket, before Express sees a request).
  MalformedHttpRequest: spec('invalid_request', 400),
  HeadersTooLarge: spec('invalid_request', 431),
  RequestTimeout: spec('invalid_request', 408),
  Unauthorized: spec('unauthorized', 401),
  // `kind` says whose side an outcome is on. A waited operation that outlives timeout_secs is not the caller's fault
  // and conflicts with nothing; like every 5xx it is `internal`, and details tell the caller where to keep polling.
  WaitTimeout: spec('internal', 504),
  NotImplemented: spec('internal', 501),
  // With a state dir: a change refused because the state file cannot be written now (nothing changed), and a change
  // that was applied but whose write failed (it runs; a restart would not keep it).
  StateNotWritable: spec('internal', 503),
  StateNotPersisted: spec('internal', 500),
  Internal: spec('internal', 500),
} satisfies Record<string, ErrorSpec>);

export type ErrorCode = keyof typeof ERROR_REGISTRY;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_REGISTRY, value);
}

/** The body of every error answer. */
export interface ErrorBody {
  kind: ErrorKind;
  error_code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
}

/**
 * An expected failure of an admin request. Built only from a registry code, so kind and status can never drift from
 * the registry; `headers` lets a code carry what HTTP requires with it (Allow on 405, Location on 504).
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly status: number;
  readonly details: Record<string, unknown>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(message);
    const entry = ERROR_REGISTRY[code];
    this.code = code;
    this.kind = entry.kind;
    this.status = entry.status;
    this.details = details;
    this.headers = Object.freeze({ ...headers });
  }

  toBody(): ErrorBody {
    return { kind: this.kind, error_code: this.code, message: this.message, details: this.details };
  }
}
