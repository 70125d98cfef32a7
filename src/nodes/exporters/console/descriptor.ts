import Joi from 'joi';
import type { NodeDescriptor } from '../../../config/catalog.js';
import type { HistogramMode } from './pretty-metrics.js';
import type { RecordJsonOptions } from './record-json.js';

export type ConsoleFormat = 'pretty' | 'record_json' | 'otlp_json';

export interface ConsoleExporterConfig {
  /** `pretty` (upstream's default), `record_json` (logs only), or ours: `otlp_json`, one export request per line. */
  format: ConsoleFormat;
  /** ANSI colors in `pretty`. */
  color: boolean;
  /** Box-drawing characters in `pretty` (else ASCII). */
  unicode: boolean;
  pretty: { histogram: HistogramMode };
  record_json: RecordJsonOptions;
}

/** Settings written for a format other than the one selected: upstream accepts and ignores them; we say so. */
function unusedOptions(value: ConsoleExporterConfig, helpers: Joi.CustomHelpers): ConsoleExporterConfig {
  const written = (helpers.original ?? {}) as Record<string, unknown>;
  const onlyFor: Array<[field: string, format: ConsoleFormat]> = [
    ['color', 'pretty'],
    ['unicode', 'pretty'],
    ['pretty', 'pretty'],
    ['record_json', 'record_json'],
  ];
  for (const [field, format] of onlyFor) {
    if (written[field] !== undefined && value.format !== format) {
      // Reported at the field itself, not at the whole config.
      const at = { ...helpers.state, path: [...(helpers.state.path ?? []), field] };
      (helpers.warn as (code: string, local: object, state: object) => void)('console.unused', { field, format, selected: value.format }, at);
    }
  }
  return value;
}

// Upstream's fields, names and defaults; `otlp_json` is ours (upstream reserves the name for this very format).
export const consoleExporter: NodeDescriptor = {
  urn: 'urn:otel:exporter:console',
  kind: 'exporter',
  configSchema: Joi.object({
    format: Joi.string().valid('pretty', 'record_json', 'otlp_json').default('pretty'),
    color: Joi.boolean().default(true),
    unicode: Joi.boolean().default(true),
    pretty: Joi.object({
      histogram: Joi.string().valid('compact', 'raw').default('compact'),
    }).default(),
    record_json: Joi.object({
      timestamp_format: Joi.string().valid('rfc3339', 'unix_nano').default('rfc3339'),
      body_field: Joi.string().valid('body', 'message').default('body'),
      int64_format: Joi.string().valid('number', 'string').default('number'),
      resource: Joi.boolean().default(false),
      scope: Joi.boolean().default(true),
      otel: Joi.boolean().default(false),
    }).default(),
  })
    .custom(unusedOptions)
    .messages({ 'console.unused': '"{{#field}}" has no effect in this engine with format {{#selected}}: it applies to format {{#format}} only' }),
};
