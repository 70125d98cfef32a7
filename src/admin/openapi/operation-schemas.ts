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
    enum: ['pending', 'running', 'succeeded', 'failed', 'rolling_back', 'rollback_failed'],
    description:
      "Upstream's states. Final: `succeeded`, `failed` (a rollback that restored the old generation ends here too; the " +
      'cores it restored say `rolled_back`), `rollback_failed`.',
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
    state: {
      enum: ['pending', 'shutdown_requested', 'exited', 'failed'],
      description: '`failed`: the instance was killed at the drain deadline, or exited with an error; `detail` says which.',
    },
    updatedAt: timestamp,
    detail: { type: 'string', examples: ['drained', 'did not drain within 60s and was killed'] },
  }),
  ShutdownStatus: record(['shutdownId', 'pipelineGroupId', 'pipelineId', 'state', 'startedAt', 'updatedAt', 'cores'], {
    shutdownId: text,
    pipelineGroupId: text,
    pipelineId: text,
    state: {
      enum: ['pending', 'running', 'succeeded', 'failed'],
      description: 'Final: `succeeded`, `failed` (an instance did not drain in time and was killed, or exited with an error).',
    },
    initiator: {
      enum: ['admin_api', 'dfctl'],
      description: 'Who asked for it, from the `User-Agent` (`dfctl/…`: `dfctl`), best effort. Absent for the drain of a delete or a reconcile.',
    },
    startedAt: timestamp,
    updatedAt: timestamp,
    failureReason: text,
    cores: { type: 'array', items: ref('CoreShutdownStatus') },
  }),
  OperationEntry: {
    description: 'The data of an event `operation` of `GET /api/v1/events`: one kept record of a rollout or a shutdown.',
    oneOf: [
      record(['kind', 'record'], { kind: { const: 'rollout' }, record: ref('RolloutStatus') }),
      record(['kind', 'record'], { kind: { const: 'shutdown' }, record: ref('ShutdownStatus') }),
    ],
  },
  PipelineDeleteStatus: record(['pipelineGroupId', 'pipelineId', 'state', 'startedAt', 'updatedAt'], {
    pipelineGroupId: text,
    pipelineId: text,
    state: { enum: ['succeeded', 'failed'] },
    startedAt: timestamp,
    updatedAt: timestamp,
    shutdown: { ...ref('ShutdownStatus'), description: 'The drain, when anything of the pipeline ran.' },
    failureReason: { type: 'string', description: 'A failed delete keeps the pipeline, stopped; deleting it again forgets it.' },
  }),
  GroupDeleteStatus: record(['pipelineGroupId', 'state', 'startedAt', 'updatedAt'], {
    pipelineGroupId: text,
    state: { enum: ['succeeded', 'failed'] },
    startedAt: timestamp,
    updatedAt: timestamp,
    pipelines: {
      type: 'array',
      description: 'The delete of each pipeline, in id order, up to the first that failed; absent for an empty group.',
      items: ref('PipelineDeleteStatus'),
    },
    failureReason: text,
  }),
  EngineShutdownResponse: record(['status'], {
    status: { enum: ['accepted', 'completed', 'failed', 'timeout'] },
    errors: { type: 'array', items: text, examples: [['pipeline default:main core 0 generation 1 did not drain within 60 seconds and was killed']] },
    durationMs: count,
  }),
  ReconcileChange: record(['pipelineGroupId', 'action', 'state'], {
    pipelineGroupId: text,
    pipelineId: { type: 'string', description: 'Absent for the delete of a whole group.' },
    action: { enum: ['create', 'noop', 'resize', 'replace', 'delete'] },
    state: { enum: ['pending', 'running', 'succeeded', 'failed'] },
    rollout: ref('RolloutStatus'),
    shutdown: { ...ref('ShutdownStatus'), description: 'The drain of a deleted pipeline.' },
    detail: { type: 'string', description: 'Why it failed.' },
  }),
  ReconcileStatus: record(['reconcileId', 'state', 'startedAt', 'updatedAt', 'changes', 'trigger', 'deleteMissing'], {
    reconcileId: text,
    state: {
      enum: ['pending', 'running', 'succeeded', 'failed', 'rejected'],
      description: '`rejected` (ours): a reload refused before anything was planned (an invalid file, or one that met a busy pipeline).',
    },
    configHash: { type: 'string', description: 'sha256 of the desired document in canonical JSON.' },
    startedAt: timestamp,
    updatedAt: timestamp,
    changes: { type: 'array', description: 'What the reconcile did to each pipeline, and to each group it deleted.', items: ref('ReconcileChange') },
    failureReason: text,
    trigger: { enum: ['api', 'reload', 'opamp'], description: '`POST /config/reconcile`, SIGHUP (`systemctl reload`), or a remote config from an OpAMP server.' },
    deleteMissing: { type: 'boolean' },
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
    ['deleteMissing', 'pipelines', 'deleteGroups'],
    {
      deleteMissing: { type: 'boolean' },
      pipelines: { type: 'array', items: ref('ReconcilePipelinePlan') },
      deleteGroups: { type: 'array', description: 'The groups the document leaves out, deleted with deleteMissing.', items: text },
    },
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
          operation: {
            type: 'object',
            description: 'PipelineBusy: the operation in the way (a group delete holds its group, a reconcile the engine).',
            required: ['type', 'id'],
            additionalProperties: false,
            properties: { type: { enum: ['rollout', 'shutdown', 'delete', 'reconcile'] }, id: text },
          },
          allowed: { type: 'array', description: 'MethodNotAllowed: the methods the path takes.', items: text },
        },
      },
    },
  },
};
