// Paths of groups, pipelines and their operations (docs/admin/live-reconfiguration.md tells the whole story).
import { ref } from './json-schema.js';
import { BODY_ERRORS, errorResponses, jsonContent, jsonResponse, type OpenApiObject } from './responses.js';

const param = (name: string): OpenApiObject => ({ $ref: `#/components/parameters/${name}` });
const GROUP = [param('group')];
const PIPELINE = [param('group'), param('pipeline')];
const NOT_FOUND = ['InvalidPathParameter', 'GroupNotFound', 'PipelineNotFound'] as const;
const P = '/api/v1/groups/{group}/pipelines/{pipeline}';

/** Upstream's per-pipeline probes answer plain text. */
function pipelineProbe(name: 'livez' | 'readyz', failed: number, summary: string): OpenApiObject {
  const text = (value: string): OpenApiObject => ({ 'text/plain': { schema: { const: value } } });
  const errors = errorResponses(['InvalidPathParameter']);
  // livez's 500 is also the status of an unexpected error, which answers an ErrorBody in JSON.
  const sameStatus = errors[String(failed)] as { content?: OpenApiObject } | undefined;
  return {
    get: {
      tags: ['pipelines'],
      operationId: `getPipeline${name[0]!.toUpperCase()}${name.slice(1)}`,
      summary,
      parameters: PIPELINE,
      responses: {
        ...errors,
        '200': { description: 'Met.', content: text('OK') },
        [String(failed)]: {
          description: `Not met, or there is no such pipeline (as upstream)${sameStatus ? '; JSON with an ErrorBody for an unexpected error' : ''}.`,
          content: { ...text('NOT OK'), ...sameStatus?.content },
        },
      },
    },
  };
}

export const pipelinePaths: Record<string, OpenApiObject> = {
  '/api/v1/groups/{group}': {
    get: {
      tags: ['groups'],
      operationId: 'getGroup',
      summary: 'A group and the ids of its pipelines',
      parameters: GROUP,
      responses: { '200': jsonResponse('The group.', ref('GroupDescription')), ...errorResponses(['InvalidPathParameter', 'GroupNotFound']) },
    },
    post: {
      tags: ['groups'],
      operationId: 'createGroup',
      summary: 'Create an empty group',
      description: '`system` is reserved and always answers `409 GroupExists`.',
      parameters: GROUP,
      responses: { '201': jsonResponse('Created.', ref('GroupDescription')), ...errorResponses(['InvalidPathParameter', 'GroupExists']) },
    },
    delete: {
      tags: ['groups'],
      operationId: 'deleteGroup',
      summary: 'Delete the group, draining and forgetting every pipeline of it',
      description: 'The group is gone for new requests at once; each drain is followed at its own `shutdowns/{id}`. Never waits.',
      parameters: GROUP,
      responses: {
        '202': jsonResponse('Every pipeline of the group is draining.', ref('GroupDeleteAccepted')),
        ...errorResponses(['InvalidPathParameter', 'GroupNotFound', 'PipelineBusy']),
      },
    },
  },
  [P]: {
    get: {
      tags: ['pipelines'],
      operationId: 'getPipeline',
      summary: 'Committed config, desired status and generation of a pipeline',
      parameters: PIPELINE,
      responses: { '200': jsonResponse('The pipeline.', ref('PipelineDescription')), ...errorResponses(NOT_FOUND) },
    },
    put: {
      tags: ['pipelines'],
      operationId: 'putPipeline',
      summary: 'Create, replace, resize or noop a pipeline',
      description:
        'The candidate is patched into a copy of the committed config and validated as a whole before anything starts. ' +
        'The planner picks `create`, `noop`, `resize` or `replace`; a replace rolls out core by core, health-gated, with ' +
        'automatic rollback. A noop answers 200 at once.',
      parameters: [...PIPELINE, param('wait'), param('timeout_secs'), param('dry_run')],
      requestBody: { required: true, content: jsonContent(ref('PutPipelineRequest')) },
      responses: {
        '200': jsonResponse('A noop (at once), a waited rollout that succeeded (a create too, as upstream), or a dry run.', {
          oneOf: [ref('RolloutStatus'), ref('DryRunResult')],
        }),
        '202': jsonResponse('The rollout runs; follow it at `Location`.', ref('RolloutStatus'), true),
        ...errorResponses([
          'InvalidPathParameter', 'InvalidQueryParameter', ...BODY_ERRORS, 'GroupNotFound', 'PipelineBusy', 'RolloutFailed',
          'InvalidPipelineConfig', 'WaitTimeout',
        ]),
      },
    },
    delete: {
      tags: ['pipelines'],
      operationId: 'deletePipeline',
      summary: 'Drain the pipeline and forget it',
      description: 'Never waits; the shutdown record stays readable at `Location` after the pipeline is gone.',
      parameters: PIPELINE,
      responses: {
        '202': jsonResponse('Draining.', ref('ShutdownStatus'), true),
        ...errorResponses([...NOT_FOUND, 'PipelineBusy']),
      },
    },
  },
  [`${P}/status`]: {
    get: {
      tags: ['pipelines'],
      operationId: 'getPipelineStatus',
      summary: 'Status of one pipeline',
      parameters: PIPELINE,
      responses: {
        '200': jsonResponse('The PipelineStatus, or `null` when there is no such pipeline (as upstream).', {
          oneOf: [ref('PipelineStatus'), { type: 'null' }],
        }),
        ...errorResponses(['InvalidPathParameter']),
      },
    },
  },
  [`${P}/livez`]: pipelineProbe('livez', 500, 'Liveness of one pipeline (live_if and live_quorum of its health policy)'),
  [`${P}/readyz`]: pipelineProbe('readyz', 503, 'Readiness of one pipeline (ready_if and ready_quorum of its health policy)'),
  [`${P}/rollouts/{rolloutId}`]: {
    get: {
      tags: ['operations'],
      operationId: 'getRollout',
      summary: 'One rollout record',
      description: 'Readable after the pipeline is deleted; the engine keeps the last 32 of each pipeline.',
      parameters: [...PIPELINE, param('rolloutId')],
      responses: { '200': jsonResponse('The RolloutStatus.', ref('RolloutStatus')), ...errorResponses([...NOT_FOUND, 'RolloutNotFound']) },
    },
  },
  [`${P}/shutdown`]: {
    post: {
      tags: ['operations'],
      operationId: 'shutdownPipeline',
      summary: 'Drain and stop every instance, keeping the committed config',
      parameters: [...PIPELINE, param('wait'), param('timeout_secs')],
      requestBody: { required: false, content: jsonContent(ref('ShutdownRequest')) },
      responses: {
        '200': jsonResponse('`wait=true`: the shutdown succeeded.', ref('ShutdownStatus')),
        '202': jsonResponse('Draining; follow it at `Location`.', ref('ShutdownStatus'), true),
        ...errorResponses([...NOT_FOUND, 'InvalidQueryParameter', ...BODY_ERRORS, 'PipelineBusy', 'ShutdownFailed', 'WaitTimeout']),
      },
    },
  },
  [`${P}/shutdowns/{shutdownId}`]: {
    get: {
      tags: ['operations'],
      operationId: 'getShutdown',
      summary: 'One shutdown record',
      parameters: [...PIPELINE, param('shutdownId')],
      responses: { '200': jsonResponse('The ShutdownStatus.', ref('ShutdownStatus')), ...errorResponses([...NOT_FOUND, 'ShutdownNotFound']) },
    },
  },
  [`${P}/start`]: {
    post: {
      tags: ['operations'],
      operationId: 'startPipeline',
      summary: 'Start a stopped pipeline from its committed config',
      description: 'A `create` rollout with a new generation. Takes no body and never waits.',
      parameters: PIPELINE,
      responses: {
        '202': jsonResponse('Starting; follow the rollout at `Location`.', ref('RolloutStatus'), true),
        ...errorResponses([...NOT_FOUND, 'PipelineRunning', 'PipelineBusy']),
      },
    },
  },
};
