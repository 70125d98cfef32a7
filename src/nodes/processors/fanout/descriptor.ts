import Joi from 'joi';
import type { NodeDescriptor } from '../../../config/catalog.js';
import { duration, durationDefaulting } from '../../../config/common-schemas.js';
import { parseDuration } from '../../../config/duration.js';
import { planDestinations, type DestinationConfig } from './plan.js';

export interface FanoutProcessorConfig {
  /** `parallel`: every destination at once; `sequential`: one after the other, each after the previous one's outcome. */
  mode: 'parallel' | 'sequential';
  /** Whose outcome settles the upstream acknowledgement: the primary's, every destination's, or none (at once). */
  await_ack: 'primary' | 'all' | 'none';
  destinations: DestinationConfig[];
  /** How often destination timeouts are checked. */
  timeout_check_interval: string;
  /** Messages whose outcome is awaited at once; 0: no limit. */
  max_inflight: number;
}

/** Letters, digits, `_`, `.` and `-`: a name that reads the same in `node["port"]` and `node['port']`. */
export const PORT_NAME = /^[A-Za-z0-9_.-]+$/;

const port = Joi.string().pattern(PORT_NAME, 'port name (letters, digits, _ . -)');

function positive(schema: Joi.StringSchema): Joi.StringSchema {
  return schema
    .custom((value: string, helpers) => {
      try {
        return parseDuration(value) > 0 ? value : helpers.error('duration.zero');
      } catch {
        return value; // the duration pattern reports it
      }
    })
    .messages({ 'duration.zero': '{{#label}} must be greater than zero' });
}

/** The relations between destinations (one primary, fallbacks that exist, no cycles …), as upstream checks them. */
function checkPlan(value: FanoutProcessorConfig, helpers: Joi.CustomHelpers): FanoutProcessorConfig | Joi.ErrorReport {
  const planned = planDestinations(value.destinations, value.await_ack);
  if (!planned.ok) return helpers.error('fanout.plan', { reason: planned.reason }, { ...helpers.state, path: [...(helpers.state.path ?? []), 'destinations'] });
  // The primary is explicit in the effective config, as upstream picks it: the first when none is named.
  const destinations = value.destinations.map((d, i) => ({ ...d, primary: i === planned.plan.primary }));
  return { ...value, destinations };
}

// Upstream's fields, names and defaults. The ports a fanout sends on are its destinations' ports.
export const fanoutProcessor: NodeDescriptor = {
  urn: 'urn:otel:processor:fanout',
  kind: 'processor',
  configSchema: Joi.object({
    mode: Joi.string().valid('parallel', 'sequential').default('parallel'),
    await_ack: Joi.string().valid('primary', 'all', 'none').default('primary'),
    destinations: Joi.array()
      .items(
        Joi.object({
          port: port.required(),
          primary: Joi.boolean().default(false),
          timeout: positive(duration),
          fallback_for: port,
        }),
      )
      .min(1)
      .required(),
    timeout_check_interval: positive(durationDefaulting('200ms')),
    max_inflight: Joi.number().integer().min(0).default(10_000),
  })
    .custom(checkPlan)
    .messages({ 'fanout.plan': '{{#reason}}' }),
  outputPorts: (config) => ((config as Partial<FanoutProcessorConfig>).destinations ?? []).map((d) => d.port),
};
