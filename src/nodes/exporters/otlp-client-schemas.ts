// Joi pieces the two OTLP exporters share for upstream's client settings (GrpcClientSettings, HttpClientSettings).
import Joi from 'joi';
import { parseDuration } from '../../config/duration.js';
import { duration, durationDefaulting, notSupported } from '../../config/common-schemas.js';

/** A duration above zero (a zero timeout would fail every call and retry it forever). */
export const positiveDuration = duration
  .custom((value: string, helpers) => (durationMs(value) === 0 ? helpers.error('otap.zero') : value))
  .messages({ 'otap.zero': '{{#label}} must be above 0' });

/** Upstream's `Option<Duration>` with a default: `null` turns the feature off. */
export function optionalDurationDefaulting(value: string): Joi.StringSchema {
  return durationDefaulting(value).allow(null);
}

/** The duration in ms, or NaN for text the duration pattern already refused (that error is the one to report). */
export function durationMs(value: string): number {
  try {
    return parseDuration(value);
  } catch {
    return Number.NaN;
  }
}

/** Sent as the User-Agent: visible ASCII, not blank (upstream's rule). */
export const userAgent = Joi.string()
  .custom((value: string, helpers) => (value.trim() === '' || !/^[\x20-\x7e]+$/.test(value) ? helpers.error('otap.userAgent') : value))
  .messages({ 'otap.userAgent': '{{#label}} must be non-empty visible ASCII' });

/**
 * Upstream's compression methods. gzip and deflate are honoured; zstd is not available on this engine's Node.js (it
 * has no zstd codec before Node 22.15), so it is refused rather than sent uncompressed. `none` is ours (no compression,
 * the default) and costs nothing to keep; `null` (an empty YAML value) means none too, as upstream reads it.
 */
export const compression = Joi.string()
  .valid('gzip', 'deflate', 'none')
  .allow(null)
  .messages({
    'any.only': '{{#label}} must be one of gzip, deflate or none (zstd is not available: this engine\'s Node.js has no zstd codec)',
  });

/** Header names reserved by the exporter, and case-insensitive duplicates, as upstream refuses them. */
export function headersSchema(problem: (name: string, value: string) => string | undefined): Joi.ObjectSchema {
  return Joi.object()
    .pattern(Joi.string(), Joi.string().allow(''))
    .custom((value: Record<string, string>, helpers) => {
      const seen = new Set<string>();
      for (const [name, text] of Object.entries(value)) {
        const reason = problem(name, text);
        if (reason) return helpers.error('otap.header', { reason });
        const lower = name.toLowerCase();
        if (seen.has(lower)) {
          return helpers.error('otap.header', { reason: `header ${JSON.stringify(name)} is given twice (names are case-insensitive)` });
        }
        seen.add(lower);
      }
      return value;
    })
    .messages({ 'otap.header': '{{#label}}: {{#reason}}' })
    .default({});
}

/** The TCP settings both OTLP exporters share, with upstream's names and defaults. */
export const tcpClientSettings = {
  connect_timeout: durationDefaulting('3s'),
  tcp_nodelay: Joi.boolean().default(true),
  tcp_keepalive: optionalDurationDefaulting('45s'),
  tcp_keepalive_interval: notSupported(
    'Node.js sets only the idle time before TCP keepalive probes (tcp_keepalive); their interval is fixed',
    duration.allow(null),
  ),
};
