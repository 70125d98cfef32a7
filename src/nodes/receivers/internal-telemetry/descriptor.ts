// receiver:internal_telemetry: the engine's own logs and metrics as pipeline data. Its config is upstream's field for
// field (signals; metrics.interval and metrics.views). It only works in engine.observability.pipeline, which
// src/config/observability.ts enforces.
import Joi from 'joi';
import type { NodeDescriptor } from '../../../config/catalog.js';
import { positiveDuration } from '../../../config/engine-telemetry.js';

export type InternalTelemetrySignal = 'logs' | 'metrics';

export interface MetricView {
  selector: { scope_name?: string; scope_attributes: Record<string, string | number | boolean>; instrument_name?: string };
  stream: { name?: string; description?: string };
}

export interface InternalTelemetryConfig {
  signals: InternalTelemetrySignal[];
  metrics: {
    /** Absent: engine.telemetry.reporting_interval. */
    interval?: string;
    views: MetricView[];
  };
}

const scalar = Joi.alternatives(Joi.string().allow(''), Joi.number(), Joi.boolean()).messages({
  'alternatives.types': '{{#label}} must be a scalar value (string, number or boolean)',
});

const view = Joi.object({
  selector: Joi.object({
    scope_name: Joi.string(),
    scope_attributes: Joi.object().pattern(Joi.string(), scalar).default({}),
    instrument_name: Joi.string(),
  }).required(),
  stream: Joi.object({ name: Joi.string().min(1), description: Joi.string().allow('') }).required(),
});

export const internalTelemetryReceiver: NodeDescriptor = {
  urn: 'urn:otel:receiver:internal_telemetry',
  kind: 'receiver',
  configSchema: Joi.object({
    signals: Joi.array()
      .items(Joi.string().valid('logs', 'metrics'))
      .min(1)
      .unique()
      .default(['logs', 'metrics'])
      .messages({ 'array.min': '{{#label}} must not be empty', 'array.unique': '{{#label}} names a signal more than once' }),
    metrics: Joi.object({ interval: positiveDuration(), views: Joi.array().items(view).default([]) }).default(),
  }),
};
