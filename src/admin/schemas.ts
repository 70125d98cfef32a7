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

const timeoutSecs = Joi.number().integer().min(1).max(86_400);

/** `?wait=&timeout_secs=`: shared by every route that can wait for an operation. */
export interface WaitQuery {
  wait: boolean;
  timeout_secs: number;
}

const waitKeys = {
  wait: Joi.boolean().default(false),
  timeout_secs: timeoutSecs.default(60),
};

export const waitQuerySchema = Joi.object<WaitQuery>(waitKeys);

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
  stepTimeoutSecs: timeoutSecs.default(60),
  drainTimeoutSecs: timeoutSecs.default(60),
}).required();
