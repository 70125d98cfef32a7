import Joi from 'joi';
import type { NodeDescriptor } from '../../../config/catalog.js';
import { duration } from '../../../config/common-schemas.js';
import { parseDuration } from '../../../config/duration.js';

export interface LogSamplingProcessorConfig {
  /** Exactly one policy. */
  policy: {
    /** At most `max_items` log records per `interval`. */
    zip?: { interval: string; max_items: number };
    /** `emit` out of every `out_of` log records. */
    ratio?: { emit: number; out_of: number };
  };
}

const positive = Joi.number().integer().min(1);

export const logSamplingProcessor: NodeDescriptor = {
  urn: 'urn:otel:processor:log_sampling',
  kind: 'processor',
  configSchema: Joi.object({
    policy: Joi.object({
      zip: Joi.object({
        interval: duration
          .required()
          .custom((value: string, helpers) => (parseDuration(value) > 0 ? value : helpers.error('otap.zeroInterval')))
          .messages({ 'otap.zeroInterval': '{{#label}} must be greater than 0' }),
        max_items: positive.required(),
      }),
      ratio: Joi.object({
        emit: positive.required(),
        out_of: positive.required(),
      }).custom((value: { emit: number; out_of: number }, helpers) =>
        value.emit <= value.out_of ? value : helpers.error('otap.ratio'),
      ).messages({ 'otap.ratio': '{{#label}}.emit must be less than or equal to {{#label}}.out_of' }),
    })
      .xor('zip', 'ratio')
      .required(),
  }),
};
