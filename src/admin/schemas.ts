// Request schemas of the admin API, in one place so that every route validates the same way and reports problems with
// the same shape: `details.errors: [{ path, message }]`, paths dotted like the config validator's.
import Joi from 'joi';
import { ApiError, type ErrorCode } from './errors.js';

/** Group and pipeline ids: safe in URLs, file names and log fields; `.` and `..` would read as path segments. */
export { ID_PATTERN, isValidId } from '../config/ids.js';

export interface ValidationProblem {
  path: string;
  message: string;
}

// Query strings arrive as strings (or arrays when repeated); convert turns 'true' / '30' into typed values, and a
// repeated parameter stays an array and fails, rather than silently taking the first value.
const VALIDATE_OPTIONS: Joi.ValidationOptions = {
  abortEarly: false,
  convert: true,
  allowUnknown: false,
  errors: { wrap: { label: false } },
};

/** Validates and converts, or throws an ApiError with `code` listing every problem. */
export function validate<T>(schema: Joi.Schema<T>, value: unknown, code: ErrorCode, what: string): T {
  const result = schema.validate(value, VALIDATE_OPTIONS);
  if (result.error === undefined) return result.value;
  const errors: ValidationProblem[] = result.error.details.map((d) => ({
    path: d.path.map(String).join('.'),
    message: d.message,
  }));
  throw new ApiError(code, `invalid ${what}`, { errors });
}

/** Ids of rollouts, shutdowns and reconciles: opaque to callers, but safe to echo and to put in a Location. */
export const OPERATION_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** `.` and `..` match the pattern but read as path segments, as for group and pipeline ids. */
export function isValidOperationId(value: string): boolean {
  return OPERATION_ID_PATTERN.test(value) && value !== '.' && value !== '..';
}

// Bodies are JSON, so their values already have types: `"60"` for a number or `"true"` for a boolean is a caller's
// mistake to report, not to convert. Query values only ever arrive as strings and keep the converting default.
const STRICT_TYPES: Joi.ValidationOptions = { convert: false };

const seconds = Joi.number().integer().min(1).max(3600);

/** `?wait=&timeout_secs=`: shared by every route that can wait for an operation. */
export interface WaitQuery {
  wait: boolean;
  timeout_secs: number;
}

const waitKeys = {
  wait: Joi.boolean().default(false),
  timeout_secs: seconds.default(60),
};

export const waitQuerySchema = Joi.object<WaitQuery>(waitKeys);

/**
 * `POST /config/reconcile`: upstream's answers when the reconcile has ended, so it waits by default, and without
 * `timeout_secs` until the end; `wait=false` and a dry run are ours.
 */
export interface ReconcileQuery {
  wait: boolean;
  timeout_secs?: number;
  dry_run: boolean;
}

export const reconcileQuerySchema = Joi.object<ReconcileQuery>({
  wait: Joi.boolean().default(true),
  timeout_secs: seconds,
  dry_run: Joi.boolean().default(false),
});

/** `DELETE` of a pipeline or a group: upstream's `timeout_secs`, the drain window of each pipeline. */
export interface DeleteQuery {
  timeout_secs: number;
}

export const deleteQuerySchema = Joi.object<DeleteQuery>({ timeout_secs: seconds.default(60) });

export interface PutPipelineQuery extends WaitQuery {
  dry_run: boolean;
}

export const putPipelineQuerySchema = Joi.object<PutPipelineQuery>({
  ...waitKeys,
  dry_run: Joi.boolean().default(false),
});

export interface PutPipelineBody {
  /** The pipeline as under groups.G.pipelines.P; its own validation is the config module's (422). */
  pipeline: Record<string, unknown>;
  stepTimeoutSecs: number;
  drainTimeoutSecs: number;
}

export const putPipelineBodySchema = Joi.object<PutPipelineBody>({
  pipeline: Joi.object().unknown(true).required(),
  stepTimeoutSecs: seconds.default(60),
  drainTimeoutSecs: seconds.default(60),
})
  .required()
  .prefs(STRICT_TYPES);

export interface ShutdownBody {
  /** Ours; without it the drain window is `timeout_secs`, as upstream's. */
  drainTimeoutSecs?: number;
}

/** The body is optional: none at all (or `{}`) means every default. */
export const shutdownBodySchema = Joi.object<ShutdownBody>({
  drainTimeoutSecs: seconds,
})
  .default()
  .prefs(STRICT_TYPES);

/** `POST /groups/{group}`: upstream's PipelineGroupConfig, optional here (none means an empty group). */
export const groupBodySchema = Joi.object<Record<string, unknown>>().unknown(true).default({}).prefs(STRICT_TYPES);

export interface ReconcileBody {
  /** A whole `otel_dataflow/v1` document; its own validation is the config module's (422). */
  config: Record<string, unknown>;
  deleteMissing: boolean;
  stepTimeoutSecs: number;
  drainTimeoutSecs: number;
  deleteTimeoutSecs: number;
}

/** Upstream's EngineConfigReconcileRequest, its defaults included (`deleteMissing: true`). */
export const reconcileBodySchema = Joi.object<ReconcileBody>({
  config: Joi.object().unknown(true).required(),
  deleteMissing: Joi.boolean().default(true),
  stepTimeoutSecs: seconds.default(60),
  drainTimeoutSecs: seconds.default(60),
  deleteTimeoutSecs: seconds.default(60),
})
  .required()
  .prefs(STRICT_TYPES);
