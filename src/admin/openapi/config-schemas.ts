// JSON Schemas of the configuration (`otel_dataflow/v1`, src/config/schema.ts) and of the request bodies and
// descriptions built from it. Node and extension `config` maps belong to each node type (docs/nodes) and stay open here.
// Bodies may carry `${env:VAR}` / `${env:VAR:-default}` references; the engine substitutes them before validating.
import { DURATION_PATTERN } from '../../config/duration.js';
import { ID_PATTERN } from '../../config/ids.js';
import { ref, type JsonSchema } from './json-schema.js';

const ID = ID_PATTERN.source;
const DURATION: JsonSchema = { type: 'string', pattern: DURATION_PATTERN.source, examples: ['250ms', '30s', '1m'] };
const seconds: JsonSchema = { type: 'integer', minimum: 1, maximum: 3600, default: 60 };
const description: JsonSchema = { type: 'string' };
const freeConfig: JsonSchema = { type: ['object', 'null'], description: "The node type's own settings (docs/nodes)." };
const endpoints: JsonSchema = {
  description: 'A node name (or `node["port"]` naming an output port), or a list of them.',
  oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }],
};

function closed(properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema {
  return { type: 'object', ...(required.length > 0 ? { required } : {}), additionalProperties: false, properties };
}

export const configSchemas: Record<string, JsonSchema> = {
  CoreAllocation: {
    oneOf: [
      closed({ type: { const: 'all_cores' } }, ['type']),
      closed({ type: { const: 'core_count' }, count: { type: 'integer', minimum: 1 } }, ['type', 'count']),
      closed(
        {
          type: { const: 'core_set' },
          set: {
            type: 'array',
            minItems: 1,
            items: closed({ start: { type: 'integer', minimum: 0 }, end: { type: 'integer', minimum: 0 } }, ['start', 'end']),
          },
        },
        ['type', 'set'],
      ),
    ],
  },
  Policies: closed({
    resources: closed({ core_allocation: ref('CoreAllocation') }),
    channel_capacity: closed({ pdata: { type: 'integer', minimum: 1 } }),
    health: closed({ ready_quorum: closed({ Percent: { type: 'number', minimum: 0, maximum: 100 } }, ['Percent']) }),
    runtime_recovery: closed({
      enabled: { type: 'boolean' },
      max_restarts: { type: 'integer', minimum: 0 },
      initial_backoff: DURATION,
      max_backoff: DURATION,
      startup_timeout: DURATION,
      reset_after: DURATION,
    }),
  }),
  NodeSpec: closed(
    {
      type: { type: 'string', description: 'A URN `urn:<namespace>:<kind>:<id>`, or `<kind>:<id>` for the otel namespace.', examples: ['receiver:otlp', 'urn:otel:exporter:noop'] },
      description,
      config: freeConfig,
      capabilities: { type: 'object', description: 'Capability name → extension name.', additionalProperties: { type: 'string' } },
    },
    ['type'],
  ),
  ExtensionSpec: closed({ type: { type: 'string' }, description, config: freeConfig }, ['type']),
  ConnectionSpec: closed({ from: endpoints, to: endpoints }, ['from', 'to']),
  PipelineSpec: closed(
    {
      description,
      policies: ref('Policies'),
      extensions: { type: 'object', additionalProperties: ref('ExtensionSpec') },
      nodes: { type: 'object', additionalProperties: ref('NodeSpec') },
      connections: { type: 'array', items: ref('ConnectionSpec') },
    },
    ['nodes', 'connections'],
  ),
  GroupSpec: closed(
    {
      description,
      policies: ref('Policies'),
      pipelines: { type: 'object', propertyNames: { pattern: ID }, additionalProperties: ref('PipelineSpec') },
    },
    ['pipelines'],
  ),
  EngineConfig: {
    ...closed(
      {
        version: { const: 'otel_dataflow/v1' },
        policies: ref('Policies'),
        engine: closed({
          http_admin: closed({
            bind_address: { type: 'string', examples: ['127.0.0.1:8080'] },
            auth: {
              description: 'The admin API token, inline or in a file (exactly one). Redacted when the config is read back.',
              oneOf: [
                closed({ bearer_token: { type: 'string' } }, ['bearer_token']),
                closed({ bearer_token_file: { type: 'string' } }, ['bearer_token_file']),
              ],
            },
            tls: {
              ...closed(
                { cert_file: { type: 'string' }, key_file: { type: 'string' }, client_ca_file: { type: 'string' } },
                ['cert_file', 'key_file'],
              ),
              description: 'The admin API over HTTPS (PEM files read at start); with client_ca_file, clients need a certificate it issued.',
            },
          }),
        }),
        groups: {
          type: 'object',
          description: 'By group id; `system` is reserved.',
          propertyNames: { pattern: ID, not: { const: 'system' } },
          additionalProperties: ref('GroupSpec'),
        },
      },
      ['version', 'groups'],
    ),
    description: 'A whole `otel_dataflow/v1` document (docs/configuration.md).',
  },
  PipelineDescription: closed(
    {
      pipelineGroupId: { type: 'string' },
      pipelineId: { type: 'string' },
      activeGeneration: { type: 'integer', minimum: 0 },
      pipeline: { ...ref('PipelineSpec'), description: 'The committed pipeline config, secrets redacted.' },
      rollout: { ...ref('RolloutSummary'), description: 'The latest rollout (absent before the first one through the admin API).' },
      desiredStatus: { enum: ['running', 'stopped'], description: 'Ours, beside upstream\'s PipelineDetails.' },
    },
    ['pipelineGroupId', 'pipelineId', 'activeGeneration', 'pipeline', 'desiredStatus'],
  ),
  PutPipelineRequest: closed(
    {
      pipeline: { ...ref('PipelineSpec'), description: 'The pipeline exactly as under `groups.{group}.pipelines.{pipeline}` in a config file.' },
      stepTimeoutSecs: { ...seconds, description: "Bounds each new instance's wait for ready." },
      drainTimeoutSecs: { ...seconds, description: "Bounds each old instance's drain; past it the instance is killed." },
    },
    ['pipeline'],
  ),
  ShutdownRequest: closed({
    drainTimeoutSecs: {
      type: 'integer',
      minimum: 1,
      maximum: 3600,
      description: 'Ours: the drain window, when it should differ from `timeout_secs`. Past it an instance is killed and its core ends `failed`.',
    },
  }),
  ReconcileRequest: closed(
    {
      config: ref('EngineConfig'),
      stepTimeoutSecs: { ...seconds, description: 'For each created, replaced or resized pipeline, as for a PUT.' },
      drainTimeoutSecs: { ...seconds, description: 'For the old instances of each replaced or resized pipeline, as for a PUT.' },
      deleteTimeoutSecs: { ...seconds, description: 'The drain window of each pipeline `deleteMissing` deletes.' },
      deleteMissing: { type: 'boolean', default: true, description: 'Delete the pipelines and groups the document leaves out (as upstream, the default).' },
    },
    ['config'],
  ),
};
