// JSON Schemas (2020-12, the dialect of OpenAPI 3.1) of the status answers: engine status, pipeline status, probes.
// They mirror src/state/status-types.ts field by field; `additionalProperties: false` makes the response test fail when
// a field is added there and not here, so the document cannot silently fall behind. Clients should still ignore fields
// they do not know: base fields keep their shape, later versions only add.
import { ref, type JsonSchema } from './json-schema.js';

const timestamp: JsonSchema = { type: 'string', format: 'date-time' };
const count: JsonSchema = { type: 'integer', minimum: 0 };

const FAIL_REASONS = ['admission_error', 'config_rejected', 'runtime_error', 'drain_error', 'rollback_failed', 'delete_error', 'update_failed'];
const INSTANCE_PHASES = ['pending', 'starting', 'running', 'updating', 'rolling_back', 'draining', 'stopped', 'failed', 'deleting', 'deleted'];

export const statusSchemas: Record<string, JsonSchema> = {
  Condition: {
    type: 'object',
    required: ['type', 'status', 'reason', 'lastTransitionTime'],
    additionalProperties: false,
    properties: {
      type: { type: 'string', examples: ['Accepted', 'Ready'] },
      status: { enum: ['True', 'False', 'Unknown'] },
      reason: { type: 'string' },
      message: { type: 'string' },
      lastTransitionTime: { ...timestamp, description: 'When `status` last changed.' },
    },
  },
  InstancePhase: { enum: INSTANCE_PHASES },
  CorePhase: {
    description: "Upstream's phase: a string, or for `failed` and `deleting` an object carrying the reason or mode.",
    oneOf: [
      { enum: INSTANCE_PHASES.filter((p) => p !== 'failed' && p !== 'deleting') },
      {
        type: 'object',
        required: ['failed'],
        additionalProperties: false,
        properties: { failed: { enum: FAIL_REASONS } },
      },
      { type: 'object', required: ['deleting'], additionalProperties: false, properties: { deleting: { enum: ['graceful', 'forced'] } } },
    ],
  },
  ObservedEvent: {
    description:
      "Upstream's recent event: `Engine` for a lifecycle event (its `type` is upstream's, e.g. `{ \"Success\": \"Ready\" }`, and `event` " +
      "is the supervisor's own name for it), `Log` for what upstream has no type for (restarts scheduled, process exits).",
    oneOf: [
      {
        type: 'object',
        required: ['Engine'],
        additionalProperties: false,
        properties: {
          Engine: {
            type: 'object',
            required: ['key', 'time', 'type', 'event'],
            additionalProperties: false,
            properties: {
              key: {
                type: 'object',
                required: ['pipeline_group_id', 'pipeline_id', 'core_id'],
                additionalProperties: false,
                properties: { pipeline_group_id: { type: 'string' }, pipeline_id: { type: 'string' }, core_id: count, deployment_generation: count },
              },
              time: timestamp,
              type: { type: 'object', minProperties: 1, maxProperties: 1, propertyNames: { enum: ['Request', 'Success', 'Error'] } },
              message: { type: 'string' },
              event: { type: 'string', examples: ['spawned', 'ready', 'drained'] },
            },
          },
        },
      },
      {
        type: 'object',
        required: ['Log'],
        additionalProperties: false,
        properties: {
          Log: {
            type: 'object',
            required: ['time', 'record'],
            additionalProperties: false,
            properties: {
              time: timestamp,
              record: {
                type: 'object',
                description: '`event` (`restart_scheduled`, `exited`, ...), `generation` and `message`.',
                required: ['event', 'generation'],
                properties: { event: { type: 'string' }, generation: count, message: { type: 'string' } },
              },
            },
          },
        },
      },
    ],
  },
  CoreStatus: {
    type: 'object',
    description: "Upstream's CoreStatus: the runtime serving a core (in `cores`), or one instance (in `instances[].status`).",
    required: ['phase', 'lastHeartbeatTime', 'conditions', 'deletePending', 'recentEvents'],
    additionalProperties: false,
    properties: {
      phase: ref('CorePhase'),
      lastHeartbeatTime: { ...timestamp, description: 'The latest heartbeat or lifecycle event of the runtime.' },
      conditions: { type: 'array', description: '`Accepted` and `Ready` of this runtime.', items: ref('Condition') },
      deletePending: { type: 'boolean' },
      recentEvents: { type: 'array', items: ref('ObservedEvent') },
    },
  },
  ThroughputCounts: {
    type: 'object',
    required: ['items', 'messages', 'bytes'],
    additionalProperties: false,
    properties: { items: count, messages: count, bytes: count },
  },
  NodeCounters: {
    type: 'object',
    description: 'Cumulative since the instance started, except `queueDepth` (a level).',
    required: [
      'itemsReceived', 'itemsSent', 'itemsRefused', 'itemsDropped', 'itemsFailed',
      'bytesReceived', 'bytesSent', 'bytesRefused', 'bytesDropped', 'bytesFailed', 'queueDepth',
    ],
    additionalProperties: false,
    properties: {
      itemsReceived: count,
      itemsSent: count,
      itemsRefused: count,
      itemsDropped: count,
      itemsFailed: count,
      bytesReceived: { ...count, description: 'Protobuf bytes of the messages counted in items (whole messages only).' },
      bytesSent: count,
      bytesRefused: count,
      bytesDropped: count,
      bytesFailed: count,
      queueDepth: count,
      throughput: {
        description: 'Per signal totals of a measuring exporter (`exporter:perf`).',
        type: 'object',
        required: ['items', 'messages', 'bytes', 'bySignal'],
        additionalProperties: false,
        properties: {
          items: count,
          messages: count,
          bytes: count,
          bySignal: {
            type: 'object',
            required: ['logs', 'traces', 'metrics'],
            additionalProperties: false,
            properties: { logs: ref('ThroughputCounts'), traces: ref('ThroughputCounts'), metrics: ref('ThroughputCounts') },
          },
        },
      },
      requestsUnauthorized: { ...count, description: 'Only on receivers bound to an authorizer extension.' },
    },
  },
  InstanceStatus: {
    type: 'object',
    required: ['coreId', 'deploymentGeneration', 'status', 'pid', 'phase', 'restarts', 'cpuPercent', 'rssBytes'],
    additionalProperties: false,
    properties: {
      coreId: count,
      deploymentGeneration: count,
      status: { ...ref('CoreStatus'), description: "Upstream's status of this instance." },
      pid: { type: ['integer', 'null'] },
      phase: { ...ref('InstancePhase'), description: 'Ours: the phase as a plain string (`failed` without its reason).' },
      restarts: count,
      cpuPercent: { type: 'number', minimum: 0 },
      rssBytes: count,
      nodes: {
        type: 'object',
        description: "Per-node counters from the instance's latest heartbeat, by node name.",
        additionalProperties: ref('NodeCounters'),
      },
    },
  },
  ListenerStatus: {
    type: 'object',
    required: ['id', 'protocol', 'address'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', examples: ['ingest/http'] },
      protocol: { enum: ['http', 'grpc', 'tcp', 'udp'] },
      address: { type: 'string', description: 'The address actually bound (port 0 resolved).' },
    },
  },
  DeploymentError: {
    type: 'object',
    required: ['error_code', 'message', 'details'],
    additionalProperties: false,
    properties: { error_code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object' } },
  },
  RolloutSummary: {
    type: 'object',
    required: ['rolloutId', 'action', 'state', 'targetGeneration', 'startedAt', 'updatedAt'],
    additionalProperties: false,
    properties: {
      rolloutId: { type: 'string' },
      action: ref('RolloutAction'),
      state: ref('RolloutState'),
      targetGeneration: count,
      startedAt: timestamp,
      updatedAt: timestamp,
      failureReason: { type: 'string' },
    },
  },
  PipelineStatus: {
    type: 'object',
    required: [
      'conditions', 'totalCores', 'runningCores', 'cores', 'instances', 'activeGeneration', 'servingGenerations',
      'desiredStatus', 'deploymentStatus', 'deploymentStatusSince', 'deploymentError', 'listeners',
    ],
    additionalProperties: false,
    properties: {
      conditions: { type: 'array', items: ref('Condition') },
      totalCores: count,
      runningCores: count,
      cores: { type: 'object', description: 'By core id.', propertyNames: { pattern: '^[0-9]+$' }, additionalProperties: ref('CoreStatus') },
      instances: {
        type: 'array',
        description: 'Every instance; during an overlap the old and the new generation of a core both appear.',
        items: ref('InstanceStatus'),
      },
      activeGeneration: count,
      servingGenerations: {
        type: 'object',
        description: 'The generation that serves each core, by core id.',
        propertyNames: { pattern: '^[0-9]+$' },
        additionalProperties: count,
      },
      desiredStatus: { enum: ['running', 'stopped'] },
      deploymentStatus: { enum: ['provisioning', 'running', 'updating', 'degraded', 'shutting_down', 'stopped', 'failed'] },
      deploymentStatusSince: timestamp,
      deploymentError: { oneOf: [ref('DeploymentError'), { type: 'null' }] },
      listeners: { type: 'array', items: ref('ListenerStatus') },
      rollout: { ...ref('RolloutSummary'), description: 'The latest rollout (absent before the first one through the admin API).' },
    },
  },
  EngineStatus: {
    type: 'object',
    required: ['generatedAt', 'pipelines'],
    additionalProperties: false,
    properties: {
      generatedAt: timestamp,
      pipelines: {
        type: 'object',
        description: 'By `group:pipeline`.',
        propertyNames: { pattern: '^[^:]+:[^:]+$' },
        additionalProperties: ref('PipelineStatus'),
      },
    },
  },
  ProbeResult: {
    type: 'object',
    required: ['probe', 'status', 'generatedAt', 'failing'],
    additionalProperties: false,
    properties: {
      probe: { enum: ['livez', 'readyz'] },
      status: { enum: ['ok', 'failed'] },
      generatedAt: timestamp,
      message: { type: 'string' },
      failing: {
        type: 'array',
        items: {
          type: 'object',
          required: ['pipeline', 'condition'],
          additionalProperties: false,
          properties: {
            pipeline: { type: 'string', description: '`group:pipeline`.' },
            condition: { ...ref('Condition'), description: "The pipeline's condition that fails the probe." },
          },
        },
      },
    },
  },
};
