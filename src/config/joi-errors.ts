// One place that validates with joi and turns its error details into ConfigErrors with full paths and stable codes.
import type Joi from 'joi';
import {
  configError,
  formatPath,
  type ConfigError,
  type ConfigErrorCode,
  type ConfigWarning,
  type PathSegment,
} from './errors.js';
import { RESERVED_GROUP } from './schema.js';
import { isSecretKey } from '../util/redact.js';

/** Warnings come with either outcome: a field with no effect here is worth saying even when another field is wrong. */
export type JoiResult<T> =
  | { ok: true; value: T; warnings: ConfigWarning[] }
  | { ok: false; errors: ConfigError[]; warnings: ConfigWarning[] };

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
  const warnings = (result.warning?.details ?? []).map((d) => ({
    path: formatPath([...prefix, ...d.path]),
    message: withoutSecrets(d, [...prefix, ...d.path]),
  }));
  if (!result.error) return { ok: true, value: result.value as T, warnings };
  return {
    ok: false,
    warnings,
    errors: result.error.details.map((d) => {
      const path = [...prefix, ...d.path];
      return configError(path, codeFor(d.type, formatPath(path)), withoutSecrets(d, path));
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

// Some joi messages quote the offending value (`string.pattern.base`: 'with value "..."'), and node schemas may too.
// Validation errors are printed, logged and returned by the admin API, so a secret value must never be among them:
// such a message is replaced as a whole (cutting the value out of it would garble it when the value is short).
function withoutSecrets(detail: Joi.ValidationErrorItem, path: readonly PathSegment[]): string {
  const secrets = secretStrings(detail.context?.value, path.some(isSecretKey));
  if (!secrets.some((secret) => detail.message.includes(secret))) return detail.message;
  return `${formatPath(path)} is not valid (${detail.type}); its value is not shown because it is a secret`;
}

/** The string and number leaves of `value` that sit under a secret key (or all of them, when `secret` already). */
function secretStrings(value: unknown, secret: boolean, out: string[] = []): string[] {
  if (typeof value === 'string' || typeof value === 'number') {
    if (secret && String(value) !== '') out.push(String(value));
  } else if (Array.isArray(value)) {
    for (const item of value) secretStrings(item, secret, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) secretStrings(inner, secret || isSecretKey(key), out);
  }
  return out;
}
