// The answers of the upstream engine's admin API as its `dfctl` decodes them (crates/admin-types, read through
// crates/admin-api/src/http_backend.rs), written as Joi schemas with serde's rules: a struct ignores fields it does not
// know (ours beside upstream's), an absent Option is fine, but an enum takes only its own values and an externally
// tagged enum is an object with exactly one key. An answer that passes here is one dfctl can read.
import Joi from 'joi';
import { expect } from 'vitest';

const u64 = Joi.number().integer().min(0);
const text = Joi.string().allow('');
/** A Rust struct: known fields checked, unknown ones ignored. */
const struct = (keys: Record<string, Joi.Schema>) => Joi.object(keys).unknown(true);
/** One variant of an externally tagged enum: `{ "Variant": value }`, nothing else beside it. */
const variant = (name: string, value: Joi.Schema) => Joi.object({ [name]: value.required() }).unknown(false);
const oneOf = (...schemas: Joi.Schema[]) => Joi.alternatives().try(...schemas);

export const FAIL_REASONS = ['admission_error', 'config_rejected', 'runtime_error', 'drain_error', 'rollback_failed', 'delete_error', 'update_failed'];

export const condition = struct({
  type: Joi.string().valid('Accepted', 'Ready', 'CoresAccepted').required(),
  status: Joi.string().valid('True', 'False', 'Unknown').required(),
  lastTransitionTime: Joi.string(),
  // Any string: upstream keeps reasons it does not know.
  reason: Joi.string(),
  message: Joi.string(),
});

export const phase = oneOf(
  Joi.string().valid('pending', 'starting', 'running', 'draining', 'stopped', 'updating', 'rolling_back', 'deleted'),
  variant('failed', Joi.string().valid(...FAIL_REASONS)),
  variant('rejected', Joi.string().valid('admission_error', 'config_rejected')),
  variant('deleting', Joi.string().valid('graceful', 'forced')),
);

const errorSummary = oneOf(
  variant('Pipeline', struct({ error_kind: Joi.string().required(), message: text.required(), source: Joi.string() })),
  variant(
    'Node',
    struct({
      node: Joi.string().required(),
      node_kind: Joi.string().valid('receiver', 'processor', 'exporter').required(),
      error_kind: Joi.string().required(),
      message: text.required(),
      source: Joi.string(),
    }),
  ),
);

const eventType = oneOf(
  variant('Request', Joi.string().valid('StartRequested', 'ShutdownRequested', 'DeleteRequested', 'ForceDeleteRequested')),
  variant(
    'Success',
    Joi.string().valid(
      'Admitted', 'Ready', 'UpdateAdmitted', 'UpdateApplied', 'RollbackComplete', 'IngressDrainStarted', 'ReceiversDrained',
      'DownstreamShutdownStarted', 'Drained', 'Deleted',
    ),
  ),
  variant(
    'Error',
    oneOf(
      Joi.string().valid('DrainDeadlineReached'),
      ...['AdmissionError', 'ConfigRejected', 'UpdateFailed', 'RollbackFailed', 'DrainError', 'RuntimeError', 'DeleteError'].map((name) => variant(name, errorSummary)),
    ),
  ),
);

export const observedEvent = oneOf(
  variant(
    'Engine',
    struct({
      key: struct({ pipeline_group_id: Joi.string().required(), pipeline_id: Joi.string().required(), core_id: u64.required(), deployment_generation: u64 }).required(),
      node_id: Joi.string(),
      node_kind: Joi.string().valid('receiver', 'processor', 'exporter'),
      time: Joi.string().required(),
      type: eventType.required(),
      message: Joi.string(),
    }),
  ),
  variant('Log', struct({ time: Joi.string().required(), record: Joi.any().required() })),
);

export const coreStatus = struct({
  phase: phase.required(),
  lastHeartbeatTime: Joi.string().required(),
  conditions: Joi.array().items(condition).required(),
  deletePending: Joi.boolean().required(),
  recentEvents: Joi.array().items(observedEvent),
});

export const rolloutSummary = struct({
  rolloutId: Joi.string().required(),
  state: Joi.string().valid('pending', 'running', 'succeeded', 'failed', 'rolling_back', 'rollback_failed').required(),
  targetGeneration: u64.required(),
  startedAt: Joi.string().required(),
  updatedAt: Joi.string().required(),
  failureReason: Joi.string(),
});

/** Map keys that must parse as a core id (BTreeMap<usize, _>). */
const byCore = (value: Joi.Schema) => Joi.object().pattern(/^\d+$/, value).unknown(false);

export const pipelineStatus = struct({
  conditions: Joi.array().items(condition).required(),
  totalCores: u64.required(),
  runningCores: u64.required(),
  cores: byCore(coreStatus).required(),
  instances: Joi.array().items(struct({ coreId: u64.required(), deploymentGeneration: u64.required(), status: coreStatus.required() })).allow(null),
  activeGeneration: u64.allow(null),
  servingGenerations: byCore(u64).allow(null),
  rollout: rolloutSummary.allow(null),
});

export const engineStatus = struct({ generatedAt: Joi.string().required(), pipelines: Joi.object().pattern(Joi.string(), pipelineStatus).required() });

export const probeResponse = struct({
  probe: Joi.string().valid('livez', 'readyz').required(),
  status: Joi.string().valid('ok', 'failed').required(),
  generatedAt: Joi.string().required(),
  message: Joi.string(),
  failing: Joi.array().items(struct({ pipeline: Joi.string().required(), condition: condition.required() })),
});

export const pipelineDetails = struct({
  pipelineGroupId: Joi.string().required(),
  pipelineId: Joi.string().required(),
  activeGeneration: u64.allow(null),
  // Upstream decodes it as its PipelineConfig; its nodes are what every config has.
  pipeline: struct({ nodes: Joi.object().required() }).required(),
  rollout: rolloutSummary.allow(null),
});

const attributeValue: Joi.Schema = oneOf(
  variant('String', Joi.string().allow('')),
  variant('Int', Joi.number().integer()),
  variant('UInt', u64),
  variant('Double', Joi.number()),
  variant('Boolean', Joi.boolean()),
  variant('Map', Joi.object()),
);
const attributes = Joi.object().pattern(Joi.string(), attributeValue);
const distribution = struct({ min: Joi.number(), max: Joi.number(), sum: Joi.number(), count: u64.required(), details: Joi.object() });
const metricValue = oneOf(Joi.number(), distribution);

export const metricsResponse = struct({
  timestamp: Joi.string().required(),
  metric_sets: Joi.array()
    .items(
      struct({
        name: Joi.string().required(),
        brief: text.required(),
        attributes: attributes.required(),
        metrics: Joi.array()
          .items(
            struct({
              name: Joi.string().required(),
              unit: text.required(),
              brief: text.required(),
              instrument: Joi.string().valid('counter', 'up_down_counter', 'gauge', 'mmsc', 'exponential_histogram').required(),
              temporality: Joi.string().valid('delta', 'cumulative'),
              value_type: Joi.string().valid('u64', 'f64').required(),
              attributes,
              value: metricValue.required(),
            }),
          )
          .required(),
      }),
    )
    .required(),
});

export const compactMetricsResponse = struct({
  timestamp: Joi.string().required(),
  metric_sets: Joi.array()
    .items(
      struct({
        name: Joi.string().required(),
        attributes: attributes.required(),
        data_point_attributes: attributes,
        metrics: Joi.object().pattern(Joi.string(), metricValue).required(),
      }),
    )
    .required(),
});

const optionalU64 = u64.allow(null);
export const logsResponse = struct({
  oldest_seq: optionalU64,
  newest_seq: optionalU64,
  next_seq: u64.required(),
  truncated_before_seq: optionalU64,
  dropped_on_ingest: u64.required(),
  dropped_on_retention: u64.required(),
  retained_bytes: u64.required(),
  logs: Joi.array()
    .items(
      struct({
        seq: u64.required(),
        timestamp: Joi.string().required(),
        level: Joi.string().required(),
        target: text.required(),
        event_name: text.required(),
        file: Joi.string().allow(null),
        line: u64.allow(null),
        rendered: text.required(),
        contexts: Joi.array().items(struct({ entity_key: Joi.string().required(), schema_name: Joi.string().allow(null), attributes: attributes.required() })).required(),
      }),
    )
    .required(),
});

/** Fails the test with every reason dfctl would not decode `value`. */
export function expectDecodes(schema: Joi.Schema, value: unknown, what: string): void {
  const { error } = schema.validate(value, { abortEarly: false, convert: false });
  expect(error?.details.map((d) => `${d.path.join('.')}: ${d.message}`) ?? [], what).toEqual([]);
}
