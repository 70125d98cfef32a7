import Joi from 'joi';
import type { NodeDescriptor } from '../../descriptor.js';
import { SEVERITY_NAMES, type SeverityName } from './severity.js';

export type FilterValue = string | number | boolean;

export interface FilterAttribute {
  key: string;
  /** Matches a string, bool, int or double attribute value equal to it (a number matches ints and doubles). */
  value: FilterValue;
}

/** Every condition listed must hold; at least one is listed. */
export interface FilterMatch {
  /** Attributes of the record itself: log record, span or metric data point. */
  attributes?: FilterAttribute[];
  /** Attributes of the resource the record belongs to. */
  resource_attributes?: FilterAttribute[];
}

export interface FilterProcessorConfig {
  /** false drops the whole signal. */
  signals: { logs: boolean; traces: boolean; metrics: boolean };
  logs: {
    /** Log records whose severity_number is below this level are dropped. */
    min_severity?: SeverityName;
    /** Also drop log records without a severity (severity_number 0). */
    drop_unspecified_severity: boolean;
  };
  /** Keep only the records that match. */
  include?: FilterMatch;
  /** Drop the records that match. */
  exclude?: FilterMatch;
}

const attribute = Joi.object({
  key: Joi.string().min(1).required(),
  // Tried in order, so a YAML string stays a string and a number or bool keeps its type.
  value: Joi.alternatives(Joi.string().allow(''), Joi.number(), Joi.boolean()).required(),
});

const match = Joi.object({
  attributes: Joi.array().items(attribute).min(1),
  resource_attributes: Joi.array().items(attribute).min(1),
}).or('attributes', 'resource_attributes');

export const filterProcessor: NodeDescriptor = {
  urn: 'urn:otel:processor:filter',
  kind: 'processor',
  configSchema: Joi.object({
    signals: Joi.object({
      logs: Joi.boolean().default(true),
      traces: Joi.boolean().default(true),
      metrics: Joi.boolean().default(true),
    }).default(),
    logs: Joi.object({
      min_severity: Joi.string().valid(...SEVERITY_NAMES),
      drop_unspecified_severity: Joi.boolean().default(false),
    }).default(),
    include: match,
    exclude: match,
  }),
};
