import Joi from 'joi';
import type { NodeDescriptor } from '../../../config/catalog.js';
import { compileRegExp, SEVERITY_LEVELS, type MatchType } from './config.js';

// A value as upstream reads it: a string, number or bool, or a list or map of them (accepted, never matched).
const filterValue = Joi.alternatives(Joi.string().allow(''), Joi.number(), Joi.boolean(), Joi.array(), Joi.object());
const keyValue = Joi.object({ key: Joi.string().required(), value: filterValue.required() });
const list = (item: Joi.Schema) => Joi.array().items(item).default([]);

/** `min` as upstream's number (0..24), or a severity name (`WARN`, `WARN3`), as this engine's extra. */
const severityNumber = Joi.alternatives(
  Joi.number().integer().min(0).max(24),
  Joi.string()
    .uppercase()
    .pattern(/^(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)[2-4]?$/, 'severity name')
    .custom((name: string) => (SEVERITY_LEVELS[name.replace(/[2-4]$/, '')] as number) + (/[2-4]$/.test(name) ? Number(name.slice(-1)) - 1 : 0)),
);

/** The strings of a property are patterns under `match_type: regexp`: each must compile. */
function patterns(match: MatchType, strings: readonly string[], helpers: Joi.CustomHelpers, field: string): Joi.ErrorReport | undefined {
  if (match !== 'regexp') return undefined;
  for (const [i, text] of strings.entries()) {
    try {
      compileRegExp(text);
    } catch (error) {
      return helpers.error('filter.regexp', { field: `${field}[${i}]`, reason: (error as Error).message });
    }
  }
  return undefined;
}

const stringsOf = (values: readonly unknown[]): string[] => values.filter((v): v is string => typeof v === 'string');
const attributeStrings = (kvs: ReadonlyArray<{ value: unknown }>): string[] => stringsOf(kvs.map((kv) => kv.value));

function properties(keys: Record<string, Joi.Schema>, regexpFields: (value: Record<string, any>) => Record<string, string[]>): Joi.ObjectSchema {
  return Joi.object({ match_type: Joi.string().valid('strict', 'regexp').default('strict'), ...keys })
    .custom((value: Record<string, any>, helpers) => {
      for (const [field, strings] of Object.entries(regexpFields(value))) {
        const problem = patterns(value.match_type as MatchType, strings, helpers, field);
        if (problem) return problem;
      }
      return value;
    })
    .messages({ 'filter.regexp': '{{#label}}.{{#field}} is not a regular expression this engine can run: {{#reason}}' });
}

const logProperties = properties(
  {
    resource_attributes: list(keyValue),
    record_attributes: list(keyValue),
    severity_texts: list(Joi.string().allow('')),
    // Upstream's default when absent: no severity condition.
    severity_number: Joi.object({ min: severityNumber.required(), match_undefined: Joi.boolean().default(false) }).allow(null),
    bodies: list(filterValue),
  },
  (v) => ({
    resource_attributes: attributeStrings(v.resource_attributes),
    record_attributes: attributeStrings(v.record_attributes),
    severity_texts: v.severity_texts,
    bodies: stringsOf(v.bodies),
  }),
);

const traceProperties = properties(
  {
    resource_attributes: list(keyValue),
    span_attributes: list(keyValue),
    span_names: list(Joi.string().allow('')),
    event_names: list(Joi.string().allow('')),
    event_attributes: list(keyValue),
    link_attributes: list(keyValue),
  },
  (v) => ({
    resource_attributes: attributeStrings(v.resource_attributes),
    span_attributes: attributeStrings(v.span_attributes),
    span_names: v.span_names,
    event_names: v.event_names,
    event_attributes: attributeStrings(v.event_attributes),
    link_attributes: attributeStrings(v.link_attributes),
  }),
);

const metricProperties = properties({ metric_names: list(Joi.string().allow('')) }, (v) => ({ metric_names: v.metric_names }));

export const filterProcessor: NodeDescriptor = {
  urn: 'urn:otel:processor:filter',
  kind: 'processor',
  configSchema: Joi.object({
    logs: Joi.object({
      include: logProperties,
      exclude: logProperties,
      // OTTL conditions: upstream reserves the field and ignores it; this engine cannot run OTTL, so only none is accepted.
      log_record: Joi.array()
        .items(Joi.string())
        .max(0)
        .default([])
        .messages({ 'array.max': '{{#label}} cannot be honoured: this engine does not evaluate OTTL conditions' }),
    }).default(),
    traces: Joi.object({ include: traceProperties, exclude: traceProperties }).default(),
    metrics: Joi.object({ include: metricProperties, exclude: metricProperties }).default(),
    signals: Joi.object({
      logs: Joi.boolean().default(true),
      traces: Joi.boolean().default(true),
      metrics: Joi.boolean().default(true),
    }).default(),
  }),
};
