// The `policies` section, upstream's families field for field (top level, group, pipeline and the observability
// pipeline share it). What this engine honours is validated to act on; what tunes only upstream's Rust runtime is
// accepted with a warning; what it cannot honour is refused with the reason.
import Joi from 'joi';
import { duration, noEffect, notSupported } from './common-schemas.js';

const coreRange = Joi.object({
  start: Joi.number().integer().min(0).required(),
  end: Joi.number().integer().min(Joi.ref('start')).required().messages({ 'number.min': '{{#label}} must not be below start' }),
});

// Upstream names the discriminator `strategy` and accepts `type` as an alias; both arrive here as `type`.
const coreAllocation = Joi.object({
  type: Joi.string().valid('all_cores', 'core_count', 'core_set').default('all_cores'),
  count: Joi.when('type', {
    is: 'core_count',
    // 0: every core the engine may use, as upstream.
    then: Joi.number().integer().min(0).required(),
    otherwise: Joi.forbidden(),
  }),
  set: Joi.when('type', {
    is: 'core_set',
    then: Joi.array().items(coreRange).min(1).required(),
    otherwise: Joi.forbidden(),
  }),
})
  .rename('strategy', 'type')
  .messages({ 'object.rename.override': '{{#label}}: give either strategy or type, not both' });

const positive = Joi.number().integer().min(1);

const CONTROL_QUEUES =
  'it sizes upstream\'s per-node control-message queues; control messages here travel apart from data and are never queued behind it';

const channelCapacity = Joi.object({
  control: noEffect(Joi.object({ node: positive, pipeline: positive, completion: positive }), CONTROL_QUEUES),
  pdata: positive,
});

export const HEALTH_PHASE_KINDS = [
  'Pending',
  'Starting',
  'Running',
  'Updating',
  'RollingBack',
  'Draining',
  'Stopped',
  'Rejected',
  'Failed',
  'Deleting',
  'Deleted',
] as const;

const quorum = Joi.object({
  Percent: Joi.number().integer().min(0).max(100),
  AtLeast: Joi.number().integer().min(0),
}).xor('Percent', 'AtLeast');

const phaseKinds = Joi.array().items(Joi.string().valid(...HEALTH_PHASE_KINDS)).unique();

const health = Joi.object({ live_if: phaseKinds, ready_if: phaseKinds, live_quorum: quorum, ready_quorum: quorum });

const ALWAYS_COUNTED = 'this engine always keeps its node and channel counters (GET /api/v1/metrics, /status)';

const flowMetric = Joi.object({
  id: Joi.string().min(1).required(),
  bounds: Joi.object({ start_node: Joi.string().required(), end_node: Joi.string().required() }).required(),
  metrics: Joi.array()
    .items(Joi.string().valid('compute_duration', 'consumed_items', 'produced_items', 'dropped_items'))
    .min(1)
    .unique(),
  purpose: Joi.string().allow(''),
});

const telemetry = Joi.object({
  pipeline_metrics: noEffect(Joi.boolean(), ALWAYS_COUNTED),
  tokio_metrics: noEffect(Joi.boolean(), 'it is a setting of upstream\'s Rust runtime (Tokio)'),
  runtime_metrics: noEffect(Joi.string().valid('none', 'basic', 'normal', 'detailed'), ALWAYS_COUNTED),
  flow_metrics: noEffect(
    Joi.array().items(flowMetric),
    'flow metrics are not computed; per-node items received, sent and dropped are in GET /api/v1/metrics',
  ),
});

const recovery = Joi.object({
  enabled: Joi.boolean(),
  max_restarts: Joi.number().integer().min(0),
  initial_backoff: duration,
  max_backoff: duration,
  startup_timeout: duration,
  reset_after: duration,
});

export const policiesSchema = Joi.object({
  resources: Joi.object({
    core_allocation: coreAllocation,
    memory_limiter: notSupported('instances are separate processes; put processor:memory_limiter in the pipeline'),
    rate_limiters: notSupported('receiver admission rate limits are not implemented'),
  }),
  channel_capacity: channelCapacity,
  health,
  telemetry,
  runtime_recovery: recovery,
  transport_headers: notSupported('transport headers are neither captured nor propagated'),
});
