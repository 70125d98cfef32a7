// One place that validates with joi and turns its error details into ConfigErrors with full paths and stable codes.
import type Joi from 'joi';
import { configError, formatPath, type ConfigError, type ConfigErrorCode, type PathSegment } from './errors.js';
import { RESERVED_GROUP } from './schema.js';

export type JoiResult<T> = { ok: true; value: T } | { ok: false; errors: ConfigError[] };

const OPTIONS: Joi.ValidationOptions = {
  abortEarly: false,
  errors: { label: 'key', wrap: { label: '"' } },
  messages: {
    'object.unknown': 'unknown field {{#label}}',
    'any.unknown': 'unknown field {{#label}}',
  },
};

/** Validates `value` (found at `prefix` in the document) and returns the value with defaults, or every error. */
export function validateWithJoi<T>(schema: Joi.Schema, value: unknown, prefix: readonly PathSegment[]): JoiResult<T> {
  const result = schema.validate(value, OPTIONS);
  if (!result.error) return { ok: true, value: result.value as T };
  return {
    ok: false,
    errors: result.error.details.map((d) => {
      const path = [...prefix, ...d.path];
      return configError(path, codeFor(d.type, formatPath(path)), d.message);
    }),
  };
}

function codeFor(type: string, path: string): ConfigErrorCode {
  if (path === 'version' && type === 'any.only') return 'UnsupportedVersion';
  if (path === `groups.${RESERVED_GROUP}`) return 'ReservedGroup';
  switch (type) {
    case 'object.unknown':
    case 'any.unknown':
      return 'UnknownField';
    case 'any.required':
      return 'MissingField';
    default:
      return 'InvalidValue';
  }
}
