// JSON Schemas of the operation records (rollouts, shutdowns, reconciles), dry runs and the error body. They mirror
// src/state/operations.ts and src/admin/errors.ts; the error codes and kinds are taken from the registry itself.
import { ERROR_REGISTRY } from '../errors.js';
import { ref, type JsonSchema } from './json-schema.js';

const timestamp: JsonSchema = { type: 'string', format: 'date-time' };
const count: JsonSchema = { type: 'integer', minimum: 0 };
const text: JsonSchema = { type: 'string' };

function record(required: string[], properties: Record<string, JsonSchema>, description?: string): JsonSchema {
  return { type: 'object', ...(description ? { description } : {}), required, additionalProperties: false, properties };
}

const ERROR_KINDS = [...new Set(Object.values(ERROR_REGISTRY).map((e) => e.kind))];

export const operationSchemas: Record<string, JsonSchema> = {
  RolloutAction: { enum: ['create', 'noop', 'resize', 'replace'] },
  RolloutState: {
    enum: ['pending', 'running', 'succeeded', 'failed', 'rolling_back', 'rolled_back', 'rollback_failed'],
    description: 'Final: `succeeded`, `failed`, `rolled_back`, `rollback_failed`.',
  },
  CoreRolloutStatus: record(['coreId', 'targetGeneration', 'state', 'updatedAt'], {
    coreId: count,
    previousGeneration: count,
    targetGeneration: count,
    state: { enum: ['pending', 'starting', 'ready', 'switched', 'draining_old', 'retired', 'failed', 'rollback_starting', 'rolled_back'] },
    updatedAt: timestamp,
    detail: { type: 'string', description: 'Why the core failed, or how its old instance ended when it did not drain cleanly.' },
  }),
  RolloutStatus: record(
    ['rolloutId', 'pipelineGroupId', 'pipelineId', 'action', 'state', 'targetGeneration', 'startedAt', 'updatedAt', 'cores'],
    {
      rolloutId: text,
      pipelineGroupId: text,
      pipelineId: text,
      action: ref('RolloutAction'),
      state: ref('RolloutState'),
      targetGeneration: count,
      previousGeneration: count,
      startedAt: timestamp,
      updatedAt: timestamp,
      failureReason: { type: 'string', examples: ['core 0: not ready within 60000 ms'] },
      cores: { type: 'array', description: 'Only the cores the rollout works on (a noop has none).', items: ref('CoreRolloutStatus') },
    },
  ),
  CoreShutdownStatus: record(['coreId', 'deploymentGeneration', 'state', 'updatedAt'], {
    coreId: count,
    deploymentGeneration: count,
    state: { enum: ['draining', 'drained', 'forced', 'failed'] },
    updatedAt: timestamp,
  }),
  ShutdownStatus: record(['shutdownId', 'pipelineGroupId', 'pipelineId', 'state', 'startedAt', 'updatedAt', 'cores'], {
    shutdownId: text,
    pipelineGroupId: text,
    pipelineId: text,
    state: { enum: ['pending', 'running', 'succeeded', 'failed', 'timeout'], description: 'Final: `succeeded`, `failed`, `timeout`.' },
    startedAt: timestamp,
    updatedAt: timestamp,
    failureReason: text,
    cores: { type: 'array', items: ref('CoreShutdownStatus') },
  }),
  ReconcilePipelineStatus: record(['pipelineGroupId', 'pipelineId', 'action', 'state'], {
    pipelineGroupId: text,
    pipelineId: text,
    action: { enum: ['create', 'noop', 'resize', 'replace', 'delete'] },
    state: { enum: ['pending', 'running', 'succeeded', 'failed', 'rolling_back', 'rolled_back', 'rollback_failed', 'timeout'] },
    rolloutId: text,
    shutdownId: text,
    failureReason: text,
  }),
  ReconcileStatus: record(['reconcileId', 'trigger', 'state', 'startedAt', 'updatedAt', 'deleteMissing', 'pipelines'], {
    reconcileId: text,
    trigger: { enum: ['api', 'reload'], description: '`POST /config/reconcile`, or SIGHUP (`systemctl reload`).' },
    state: {
      enum: ['running', 'succeeded', 'failed', 'rejected'],
      description: '`rejected`: refused before anything was planned (a reload of an invalid file, or one that met a busy pipeline).',
    },
    startedAt: timestamp,
    updatedAt: timestamp,
    deleteMissing: { type: 'boolean' },
    pipelines: { type: 'array', items: ref('ReconcilePipelineStatus') },
    failureReason: text,
    errors: { type: 'array', description: 'Why the config was refused, for a `rejected` reconcile.', items: ref('ConfigError') },
  }),
  ConfigError: record(['path', 'message', 'code'], {
    path: { type: 'string', description: 'Dotted from the root of the config document.', examples: ['groups.default.pipelines.main.nodes.out.type'] },
    message: text,
    code: { type: 'string', description: "The config validator's stable code.", examples: ['UnknownNodeType', 'Cycle', 'EnvVarUnset'] },
  }),
  ValidationProblem: record(['path', 'message'], {
    path: { type: 'string', description: 'Dotted from the root of the body or query.' },
    message: text,
  }),
  ConfigChange: record(['path', 'op'], {
    path: { type: 'string', examples: ['nodes.batch.config.timeout'] },
    op: { enum: ['add', 'remove', 'change'] },
    from: {},
    to: {},
  }),
  CorePlanStep: record(['coreId', 'step'], { coreId: count, step: { enum: ['start', 'keep', 'replace', 'drain'] } }),
  PipelinePlan: record(['action', 'cores'], { action: ref('RolloutAction'), cores: { type: 'array', items: ref('CorePlanStep') } }),
  DryRunResult: record(
    ['action', 'plan', 'diff'],
    {
      action: ref('RolloutAction'),
      plan: ref('PipelinePlan'),
      diff: { type: 'array', description: 'Between the two effective configs; credential-like values redacted.', items: ref('ConfigChange') },
    },
    'What a PUT would do; nothing was changed.',
  ),
  ReconcilePipelinePlan: record(['pipelineGroupId', 'pipelineId', 'action', 'cores', 'diff'], {
    pipelineGroupId: text,
    pipelineId: text,
    action: { enum: ['create', 'noop', 'resize', 'replace', 'delete'] },
    cores: { type: 'array', items: ref('CorePlanStep') },
    diff: { type: 'array', items: ref('ConfigChange') },
  }),
  ReconcileDryRun: record(
    ['deleteMissing', 'pipelines'],
    { deleteMissing: { type: 'boolean' }, pipelines: { type: 'array', items: ref('ReconcilePipelinePlan') } },
    'What a reconcile would do to each pipeline; nothing was changed.',
  ),
  ErrorBody: {
    type: 'object',
    description: 'Every error answer. Branch on `error_code` (stable; see docs/admin/errors.md).',
    required: ['kind', 'error_code', 'message', 'details'],
    additionalProperties: false,
    properties: {
      kind: { enum: ERROR_KINDS },
      error_code: { enum: Object.keys(ERROR_REGISTRY) },
      message: text,
      details: {
        type: 'object',
        description: 'Depends on the code; the keys below have these shapes wherever they appear.',
        properties: {
          errors: {
            type: 'array',
            description: '400: request problems; 422: config problems with their codes.',
            items: { anyOf: [ref('ConfigError'), ref('ValidationProblem')] },
          },
          rollout: { ...ref('RolloutStatus'), description: 'RolloutFailed, WaitTimeout of a rollout.' },
          shutdown: { ...ref('ShutdownStatus'), description: 'ShutdownFailed, WaitTimeout of a shutdown.' },
          reconcile: { ...ref('ReconcileStatus'), description: 'ReconcileFailed, WaitTimeout of a reconcile.' },
          operation: {
            type: 'object',
            description: 'PipelineBusy: the operation in the way.',
            required: ['type', 'id'],
            additionalProperties: false,
            properties: { type: { enum: ['rollout', 'shutdown'] }, id: text },
          },
          timeoutSecs: { type: 'integer', description: 'WaitTimeout: the `timeout_secs` that ran out.' },
          allowed: { type: 'array', description: 'MethodNotAllowed: the methods the path takes.', items: text },
        },
      },
    },
  },
};
