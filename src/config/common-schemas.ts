// Joi pieces shared by node config schemas and the engine config schema.
import Joi from 'joi';
import { DURATION_PATTERN, parseByteSize, parseDuration } from './duration.js';

/** `host:port` with a port 0..65535; IPv6 hosts in brackets (`[::1]:4317`). */
export const listenAddress = Joi.string()
  .pattern(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/, 'host:port')
  .custom((value: string, helpers) => {
    const port = Number(value.slice(value.lastIndexOf(':') + 1));
    // The pattern rule reports a missing port; only a present, too-large one is this rule's business.
    return !Number.isInteger(port) || port <= 65535 ? value : helpers.error('any.invalid');
  })
  .messages({ 'any.invalid': '{{#label}} has a port above 65535' });

/**
 * `250ms`, `30s`, `1m`, `1h`, validated and written in one canonical form (`1000ms` for `1s`), so that two ways of
 * writing the same duration give the same effective config: the planner answers noop, not replace.
 */

export const duration = Joi.string()
  .pattern(DURATION_PATTERN, 'duration (250ms, 30s, 1m)')
  // Rules all run with abortEarly off: a value the pattern refused is left as it is for that error to speak.
  .custom((value: string) => (DURATION_PATTERN.test(value) ? canonicalDuration(value) : value));

/** Whole milliseconds when it is a whole number of them, else the smallest unit that keeps it exact. */
export function canonicalDuration(value: string): string {
  const ms = parseDuration(value);
  if (Number.isInteger(ms)) return `${ms}ms`;
  const us = Math.round(ms * 1e6) / 1e3;
  return Number.isInteger(us) ? `${us}us` : `${Math.round(ms * 1e6)}ns`;
}

/** A duration field with its default, the default written canonically too (joi does not run rules on defaults). */
export function durationDefaulting(value: string): Joi.StringSchema {
  return duration.default(canonicalDuration(value));
}

/** A byte size: a number, or `64MiB`, `512KiB`, `4MB`; canonically a number of bytes. */
export const byteSize = Joi.alternatives(
  Joi.number().integer().min(0),
  Joi.string().pattern(/^[0-9]+(\.[0-9]+)?\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/, 'size (64MiB)'),
).custom((value: number | string) => parseByteSize(value));

export function byteSizeDefaulting(value: number | string): Joi.AlternativesSchema {
  return byteSize.default(parseByteSize(value));
}

export const httpUrl = Joi.string().uri({ scheme: ['http', 'https'] });

/** An HTTP/2 flow-control window: 31-bit. */
export const http2WindowSize = byteSize
  .custom((value: number, helpers) => (value > 2 ** 31 - 1 ? helpers.error('otap.window') : value))
  .messages({ 'otap.window': '{{#label}} must be at most 2147483647 bytes (HTTP/2 windows are 31-bit)' });

/** An HTTP/2 SETTINGS_MAX_FRAME_SIZE: the protocol allows 16KiB to 16MiB - 1. */
export const http2FrameSize = byteSize
  .custom((value: number, helpers) => (value < 16_384 || value > 16_777_215 ? helpers.error('otap.frameSize') : value))
  .messages({ 'otap.frameSize': '{{#label}} must be between 16384 (16KiB) and 16777215 bytes (HTTP/2 frame sizes)' });

/** A setting that only matters with some values: those are accepted with a warning naming `reason`. */
export function noEffectWhen<S extends Joi.Schema>(schema: S, applies: (value: any) => boolean, reason: string): S {
  return schema
    .custom((value: unknown, helpers) => {
      if (applies(value)) helpers.warn('otap.noEffect', { reason });
      return value;
    })
    .messages({ 'otap.noEffect': `{{#label}} has no effect in this engine: ${reason}` }) as S;
}

/**
 * An upstream field that has no meaning in this engine (a setting of upstream's Rust runtime, a hint we do not need):
 * accepted as `schema` allows, and reported as a warning naming `reason` by `--validate-and-exit` and at start. A field
 * whose value we cannot honour is an error instead, never this.
 */
export function noEffect(schema: Joi.Schema, reason: string): Joi.AlternativesSchema {
  // Wrapped: joi skips the rules of a schema whose value matched its valid() list, so the warning rides outside it.
  const wrapped = Joi.alternatives()
    .try(schema)
    .custom((value: unknown, helpers) => {
      helpers.warn('otap.noEffect', { reason });
      return value;
    })
    .messages({ 'otap.noEffect': `has no effect in this engine: ${reason}` });
  // An alternative's own default is not applied to a missing value: the wrapper carries it (a default never warns).
  // The flag itself, not describe(): describing a schema is costly, and 22 fields of the catalog do this at load.
  const fallback: unknown = schema.$_getFlag('default');
  return fallback === undefined ? wrapped : wrapped.default(fallback);
}

/**
 * An upstream field or section this engine cannot honour: absent it is fine; given, it must still have upstream's
 * `shape` (so that the message is about the feature, not about its spelling), and is then refused with `reason`.
 */
export function notSupported(reason: string, shape: Joi.Schema = Joi.any()): Joi.Schema {
  return shape
    .custom((_value: unknown, helpers) => helpers.error('otap.notSupported'))
    .messages({ 'otap.notSupported': `is not supported by this engine: ${reason}` });
}

/** A duration that must be above zero: zero would poll, rotate or retry in a tight loop, or never retry at all. */
export function nonZeroDuration(schema: Joi.StringSchema): Joi.StringSchema {
  return schema
    .custom((value: string, helpers) => {
      let ms: number;
      try {
        ms = parseDuration(value);
      } catch {
        return value; // the duration pattern reports it
      }
      return ms > 0 ? value : helpers.error('duration.zero');
    })
    .messages({ 'duration.zero': '{{#label}} must be greater than zero' });
}
