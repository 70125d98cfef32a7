import Joi from 'joi';
import type { NodeDescriptor } from '../../../config/catalog.js';
import { byteSizeDefaulting, durationDefaulting } from '../../../config/common-schemas.js';
import { parseDuration } from '../../../config/duration.js';
import { templateProblem } from './template.js';

export type OpenMode = 'append' | 'truncate' | 'create_new';
export type Durability = 'write' | 'sync_data';
export type TailRecovery = 'truncate_partial' | 'fail';

export interface FileExporterConfig {
  /** Absolute path template with `{signal}`, `{core_id}` and `{generation}` exactly once each. */
  path: string;
  create_directories: boolean;
  format: 'otlp_json';
  open_mode: OpenMode;
  durability: Durability;
  /** Largest line written, newline included. */
  max_frame_bytes: number;
  /** Only with open_mode append (its default there: truncate_partial). */
  tail_recovery?: TailRecovery;
  /** Ours: rotation by size of each file; max_size 0 never rotates. */
  rotation: { max_size: number | string; max_files: number };
  /** Ours: how long lines may wait in memory before they are written; `0s` (default): each message is written first. */
  flush_interval: string;
}

export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;
const MAX_MAX_FRAME_BYTES = 256 * 1024 * 1024;

/** Relations between fields: tail_recovery only where a file is appended to; buffering contradicts sync_data. */
function checkFields(value: FileExporterConfig, helpers: Joi.CustomHelpers): FileExporterConfig | Joi.ErrorReport {
  const at = (field: string) => ({ ...helpers.state, path: [...(helpers.state.path ?? []), field] });
  if (value.open_mode !== 'append' && value.tail_recovery !== undefined) return helpers.error('file.tailRecovery', {}, at('tail_recovery'));
  let buffered = false;
  try {
    buffered = parseDuration(value.flush_interval) > 0;
  } catch {
    // the duration pattern reports it
  }
  if (buffered && value.durability === 'sync_data') return helpers.error('file.buffered', {}, at('flush_interval'));
  return value.open_mode === 'append' ? { ...value, tail_recovery: value.tail_recovery ?? 'truncate_partial' } : value;
}

// Upstream's fields, names and defaults; `rotation` and `flush_interval` are this engine's own.
export const fileExporter: NodeDescriptor = {
  urn: 'urn:otel:exporter:file',
  kind: 'exporter',
  configSchema: Joi.object({
    path: Joi.string()
      .required()
      .custom((value: string, helpers) => {
        const problem = templateProblem(value);
        return problem === undefined ? value : helpers.error('file.path', { problem });
      })
      .messages({ 'file.path': '{{#label}} {{#problem}}' }),
    create_directories: Joi.boolean().default(false),
    format: Joi.string().valid('otlp_json').default('otlp_json'),
    open_mode: Joi.string().valid('append', 'truncate', 'create_new').default('append'),
    durability: Joi.string().valid('write', 'sync_data').default('write'),
    max_frame_bytes: Joi.number().integer().min(1).max(MAX_MAX_FRAME_BYTES).default(DEFAULT_MAX_FRAME_BYTES),
    tail_recovery: Joi.string().valid('truncate_partial', 'fail'),
    rotation: Joi.object({
      max_size: byteSizeDefaulting(0),
      max_files: Joi.number().integer().min(1).max(1000).default(5),
    }).default(),
    flush_interval: durationDefaulting('0s'),
  })
    .custom(checkFields)
    .messages({
      'file.tailRecovery': '{{#label}} applies only to open_mode: append (the other modes never keep what the file held)',
      'file.buffered': '{{#label}} above 0s acknowledges lines before they are written, which durability: sync_data forbids',
    }),
};
