import Joi from 'joi';
import type { NodeDescriptor } from '../../../config/catalog.js';
import { noEffect } from '../../../config/common-schemas.js';

// Field names, units and defaults are upstream's: `frequency` is a number of milliseconds, and every usage section is
// on unless turned off. `log` is this engine's own.
export interface PerfExporterConfig {
  /** Milliseconds between two reports. */
  frequency: number;
  /** Upstream's smoothing of a pipeline-latency average it does not compute either; accepted, no effect. */
  smoothing_factor: number;
  /** This instance's own CPU and memory. */
  self_usage: boolean;
  /** The host's CPU usage. */
  cpu_usage: boolean;
  /** The host's memory. */
  mem_usage: boolean;
  /** Bytes this instance read from and wrote to disk. */
  disk_usage: boolean;
  /** Network traffic per interface of the host. */
  io_usage: boolean;
  /** false: count only (read through stats() and the engine's metrics), log nothing. */
  log: boolean;
}

export const perfExporter: NodeDescriptor = {
  urn: 'urn:otel:exporter:perf',
  kind: 'exporter',
  configSchema: Joi.object({
    // Reports are timer-driven: a zero interval would report in a tight loop.
    frequency: Joi.number()
      .integer()
      .min(1)
      .default(1000)
      .messages({ 'number.min': '{{#label}} must be at least 1 (milliseconds between reports; 0 would report in a tight loop)' }),
    smoothing_factor: noEffect(
      Joi.number().default(0.3),
      'it smooths a pipeline latency average, which upstream does not compute either (no timestamp travels with the data)',
    ),
    self_usage: Joi.boolean().default(true),
    cpu_usage: Joi.boolean().default(true),
    mem_usage: Joi.boolean().default(true),
    disk_usage: Joi.boolean().default(true),
    io_usage: Joi.boolean().default(true),
    log: Joi.boolean().default(true),
  }),
};
