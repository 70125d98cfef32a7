import Joi from 'joi';
import type { NodeDescriptor } from '../../../config/catalog.js';
import { PORT_NAME } from '../fanout/descriptor.js';

export type Verbosity = 'basic' | 'normal' | 'detailed';
export type DebugSignal = 'metrics' | 'logs' | 'spans';

/** A value to compare attribute values with: a scalar, a list, or a list of `{ key, value }` (a map). */
export type MatchValue = string | number | boolean | MatchValue[] | MatchKeyValue[];
export interface MatchKeyValue {
  key: string;
  value: MatchValue;
}

export interface FilterRule {
  predicate: { field: 'attribute'; value: MatchValue };
  mode: 'include' | 'exclude';
}

export type Sampling =
  | { type: 'no_sampling' }
  | { type: 'zap_sampling'; sampling_initial: number; sampling_thereafter: number; sampling_interval: number };

export interface DebugProcessorConfig {
  verbosity: Verbosity;
  /** `batch`: one report per message; `signal`: one per log record, metric or span. */
  mode: 'batch' | 'signal';
  signals: DebugSignal[];
  /** Absent or null: stdout; a string: a file appended to; a list: output ports that receive what is shown, as data. */
  output?: string | string[] | null;
  filters: FilterRule[];
  sampling: Sampling;
}

const matchValue: Joi.Schema = Joi.alternatives(
  Joi.string(),
  // Attribute integers are 64-bit: past 2^53 a YAML number is kept as it came, not refused.
  Joi.number().unsafe(),
  Joi.boolean(),
  Joi.array().items(Joi.object({ key: Joi.string().required(), value: Joi.link('#matchValue').required() })),
  Joi.array().items(Joi.link('#matchValue')),
).id('matchValue');

/** Upstream compares attributes only with a list of `{ key, value }`; any other predicate value matches no record. */
function isKeyValueList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
}

const filterRule = Joi.object({
  predicate: Joi.object({
    field: Joi.string().valid('attribute').required(),
    value: matchValue.required(),
  })
    .required()
    .custom((value: FilterRule['predicate'], helpers) => {
      if (!isKeyValueList(value.value)) helpers.warn('debug.neverMatches');
      return value;
    })
    .messages({ 'debug.neverMatches': '{{#label}} matches no record: attributes are compared with a list of key and value pairs only (as upstream)' }),
  mode: Joi.string().valid('include', 'exclude').required(),
});

const sampling = Joi.object({
  type: Joi.string().valid('no_sampling', 'zap_sampling').required(),
  sampling_initial: Joi.number().integer().min(0).when('type', { is: 'zap_sampling', then: Joi.required(), otherwise: Joi.forbidden() }),
  sampling_thereafter: Joi.number().integer().min(0).when('type', { is: 'zap_sampling', then: Joi.required(), otherwise: Joi.forbidden() }),
  // Seconds, as upstream.
  sampling_interval: Joi.number().integer().min(0).when('type', { is: 'zap_sampling', then: Joi.required(), otherwise: Joi.forbidden() }),
});

// Upstream's fields, names and defaults.
export const debugProcessor: NodeDescriptor = {
  urn: 'urn:otel:processor:debug',
  kind: 'processor',
  configSchema: Joi.object({
    verbosity: Joi.string().valid('basic', 'normal', 'detailed').default('normal'),
    mode: Joi.string().valid('batch', 'signal').default('batch'),
    signals: Joi.array().items(Joi.string().valid('metrics', 'logs', 'spans')).default(['metrics', 'logs', 'spans']),
    output: Joi.alternatives(
      Joi.string().min(1),
      Joi.array().items(Joi.string().pattern(PORT_NAME, 'port name (letters, digits, _ . -)')).min(1).unique(),
    ).allow(null),
    filters: Joi.array().items(filterRule).default([]),
    sampling: sampling.default({ type: 'no_sampling' }),
  }),
  // With output ports, the node sends its data on to every other connected port and what it shows on those.
  outputPorts: (config) => {
    const output = (config as Partial<DebugProcessorConfig>).output;
    return Array.isArray(output) ? ['default', ...output.filter((p) => p !== 'default')] : ['default'];
  },
};
