import Joi from 'joi';
import type { NodeDescriptor } from '../../../config/catalog.js';
import { durationDefaulting, noEffect } from '../../../config/common-schemas.js';
import { parseDuration } from '../../../config/duration.js';
import { DEFAULT_OTAP, DEFAULT_OTLP, type BatchProcessorConfig, type FormatConfig } from './config.js';

const nonZero = Joi.number().integer().min(1).allow(null);

/** One format's sizing; a given object replaces the default whole, as upstream reads it (an absent size is null). */
function formatConfig(defaults: FormatConfig): Joi.ObjectSchema {
  return Joi.object({
    min_size: nonZero.default(null),
    max_size: nonZero.default(null),
    sizer: Joi.string().valid('requests', 'items', 'bytes').default(defaults.sizer),
    max_split_fragments: nonZero.default(defaults.max_split_fragments),
    max_split_overhead_bytes: nonZero.default(defaults.max_split_overhead_bytes),
    max_split_fragments_per_flush: nonZero.default(defaults.max_split_fragments_per_flush),
  });
}

/** Upstream's rules for a format the processor batches: a size is set, the sizer is the format's, max ≥ min. */
function formatProblem(format: FormatConfig, sizer: 'items' | undefined, immediate: boolean): string | undefined {
  if (format.min_size === null && format.max_size === null) return 'needs min_size or max_size';
  if (sizer !== undefined && format.sizer !== sizer) return `sizer must be ${sizer}`;
  if (format.min_size !== null && format.max_size !== null && format.max_size < format.min_size) {
    return `max_size (${format.max_size}) must be at least min_size (${format.min_size}) or null`;
  }
  if (immediate && format.min_size !== null) return 'min_size needs a max_batch_duration above 0s';
  if (immediate && format.max_size === null) return 'max_size must be set when max_batch_duration is 0s';
  return undefined;
}

export const batchProcessor: NodeDescriptor = {
  urn: 'urn:otel:processor:batch',
  kind: 'processor',
  configSchema: Joi.object({
    // Only OTLP flows through this engine: OTAP sizing (used for OTAP Arrow records) has nothing to size here.
    otap: noEffect(formatConfig(DEFAULT_OTAP), 'this engine carries OTLP only, which the otlp sizing governs').default(DEFAULT_OTAP),
    otlp: formatConfig(DEFAULT_OTLP).default(DEFAULT_OTLP),
    max_batch_duration: durationDefaulting('200ms'),
    inbound_request_limit: Joi.number().integer().min(1).default(1024),
    outbound_request_limit: noEffect(
      Joi.number().integer().min(1),
      'batches are handed on with backpressure; the processor keeps no table of outbound requests to bound',
    ).default(512),
    // Upstream also takes `otap`: converting to OTAP Arrow records is what this engine cannot do.
    format: Joi.string()
      .valid('otlp', 'preserve')
      .default('preserve')
      .messages({ 'any.only': '{{#label}} must be otlp or preserve: otap cannot be honoured, this engine carries OTLP only and cannot convert to OTAP Arrow records' }),
  })
    .custom((value: BatchProcessorConfig, helpers) => {
      const immediate = parseDuration(value.max_batch_duration) === 0;
      // Upstream sizes OTLP in bytes only; items and requests are this engine's extras there.
      const otlp = formatProblem(value.otlp, undefined, immediate);
      const at = (key: string) => ({ ...helpers.state, path: [...(helpers.state.path ?? []), key] });
      if (otlp !== undefined) return helpers.error('batch.format', { problem: otlp, label: 'otlp' }, at('otlp'));
      // Upstream checks the OTAP sizing too with format preserve; so does this engine, though it never uses it.
      const otap = value.format === 'preserve' ? formatProblem(value.otap, 'items', immediate) : undefined;
      if (otap !== undefined) return helpers.error('batch.format', { problem: otap, label: 'otap' }, at('otap'));
      return value;
    })
    .messages({ 'batch.format': '{{#label}} {{#problem}}' }),
};
