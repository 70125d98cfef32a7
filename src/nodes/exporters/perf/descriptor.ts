import Joi from 'joi';
import type { NodeDescriptor } from '../../descriptor.js';
import { parseDuration } from '../../../config/duration.js';
import { durationDefaulting } from '../../common-schemas.js';

export interface PerfExporterConfig {
  /** How often throughput is logged. */
  report_interval: string;
  /** false: count only (read through stats()), log nothing. */
  log: boolean;
}

export const perfExporter: NodeDescriptor = {
  urn: 'urn:otel:exporter:perf',
  kind: 'exporter',
  configSchema: Joi.object({
    // Reports are timer-driven: a zero interval would log in a tight loop.
    report_interval: durationDefaulting('10s')
      .custom((value: string, helpers) => (durationMs(value) < 1 ? helpers.error('any.invalid') : value))
      .messages({ 'any.invalid': '{{#label}} must be at least 1ms' }),
    log: Joi.boolean().default(true),
  }),
};

/** The duration in ms, or NaN for text the duration pattern already refused (that error is the one to report). */
function durationMs(value: string): number {
  try {
    return parseDuration(value);
  } catch {
    return Number.NaN;
  }
}
