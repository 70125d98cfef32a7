import { isAbsolute } from 'node:path';
import Joi from 'joi';
import type { NodeDescriptor } from '../../descriptor.js';
import { byteSizeDefaulting, durationDefaulting } from '../../common-schemas.js';

export interface FileExporterConfig {
  /** Absolute path of the file written; its directory must exist. */
  path: string;
  rotation: {
    /** Size after which the file is rotated (bytes or `64MiB`); 0: never rotate. */
    max_size: number | string;
    /** Rotated files kept (`path.1` … `path.<max_files>`); older ones are deleted. */
    max_files: number;
  };
  /** How long written lines may wait in memory before they go to the file; `0s`: at once. */
  flush_interval: string;
}

export const fileExporter: NodeDescriptor = {
  urn: 'urn:otel:exporter:file',
  kind: 'exporter',
  configSchema: Joi.object({
    path: Joi.string()
      .required()
      .custom((value: string, helpers) => (isAbsolute(value) ? value : helpers.error('any.invalid')))
      .messages({ 'any.invalid': '{{#label}} must be an absolute path' }),
    rotation: Joi.object({
      max_size: byteSizeDefaulting(0),
      max_files: Joi.number().integer().min(1).max(1000).default(5),
    }).default(),
    flush_interval: durationDefaulting('1s'),
  }),
};
