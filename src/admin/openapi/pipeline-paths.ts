// Paths of groups, pipelines and their operations (docs/admin/live-reconfiguration.md tells the whole story).
import { ref } from './json-schema.js';
import { BODY_ERRORS, errorResponses, errorResponsesExcept, jsonContent, jsonResponse, type OpenApiObject } from './responses.js';

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
  '/api/v1/groups/shutdown': {
    post: {
      tags: ['groups'],
      operationId: 'shutdownEngine',
      summary: 'Drain every pipeline of the engine, which then exits',
      description:
        "As upstream's: every pipeline drains within `timeout_secs` (an instance still draining then is killed), the " +
        'engine exits 0 as on SIGTERM. `shutdown` is not a group id on this path.',
      parameters: [param('wait'), param('timeout_secs')],
      responses: {
        '200': jsonResponse('`wait=true`: `completed`, everything drained in time.', ref('EngineShutdownResponse')),
        '202': jsonResponse('`accepted`: the engine drains and exits.', ref('EngineShutdownResponse')),
        '500': jsonResponse('`failed`: the drain could not be carried out (also an ErrorBody for an unexpected failure).', {
          oneOf: [ref('EngineShutdownResponse'), ref('ErrorBody')],
        }),
        '504': jsonResponse('`wait=true`: `timeout`, an instance was killed at the deadline; `errors` names each.', ref('EngineShutdownResponse')),
        ...errorResponsesExcept(['InvalidQueryParameter'], ['500']),
      },
    },
  },
  '/api/v1/groups/{group}': {
    get: {
      tags: ['groups'],
      operationId: 'getGroup',
      summary: "A group's committed config",
      description: "Upstream's PipelineGroupConfig, secrets redacted.",
      parameters: GROUP,
      responses: { '200': jsonResponse('The group.', ref('GroupSpec')), ...errorResponses(['InvalidPathParameter', 'GroupNotFound']) },
    },
    post: {
      tags: ['groups'],
      operationId: 'createGroup',
      summary: 'Create an empty group',
      description:
        'The body, optional here, is the group config: its settings (policies), without pipelines. `system` is reserved and ' +
        'always answers `409 GroupExists`.',
      parameters: GROUP,
      requestBody: { required: false, content: jsonContent(ref('GroupSpec')) },
      responses: {
        '201': jsonResponse('Created: the group config.', ref('GroupSpec')),
        ...errorResponses(['InvalidPathParameter', ...BODY_ERRORS, 'GroupExists', 'PipelineBusy', 'InvalidGroupConfig']),
      },
    },
    delete: {
      tags: ['groups'],
      operationId: 'deleteGroup',
      summary: 'Delete every pipeline of the group, one by one, then the group',
      description:
        'Waits for the end, as upstream. Nothing can be created in the group meanwhile. A pipeline that cannot be deleted ' +
        '(its drain failed) ends the delete: the group stays with the pipelines left.',
      parameters: [...GROUP, param('delete_timeout_secs')],
      responses: {
        '200': jsonResponse('The group and every pipeline of it are deleted.', ref('GroupDeleteStatus')),
        '409': jsonResponse('A pipeline could not be deleted (a GroupDeleteStatus), or one is busy (an ErrorBody, `PipelineBusy`).', {
          oneOf: [ref('GroupDeleteStatus'), ref('ErrorBody')],
        }),
        ...errorResponsesExcept(['InvalidPathParameter', 'InvalidQueryParameter', 'GroupNotFound', 'PipelineBusy'], ['409']),
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
        '409': jsonResponse('`wait=true` and the rollout failed (the RolloutStatus), or the pipeline is busy (an ErrorBody, `PipelineBusy`).', {
          oneOf: [ref('RolloutStatus'), ref('ErrorBody')],
        }),
        '504': jsonResponse('`wait=true` ran out of `timeout_secs`: the RolloutStatus as it stands; the rollout goes on.', ref('RolloutStatus'), true),
        ...errorResponsesExcept(
          ['InvalidPathParameter', 'InvalidQueryParameter', ...BODY_ERRORS, 'GroupNotFound', 'PipelineBusy', 'InvalidPipelineConfig'],
          ['409'],
        ),
      },
    },
    delete: {
      tags: ['pipelines'],
      operationId: 'deletePipeline',
      summary: 'Drain the pipeline and forget it',
      description:
        'Waits for the end, as upstream. A pipeline whose drain fails (an instance killed at the deadline) is kept, stopped; ' +
        'deleting it again forgets it. Its shutdown record stays readable after the pipeline is gone.',
      parameters: [...PIPELINE, param('delete_timeout_secs')],
      responses: {
        '200': jsonResponse('Deleted.', ref('PipelineDeleteStatus')),
        '409': jsonResponse('The drain failed (a PipelineDeleteStatus), or the pipeline is busy (an ErrorBody, `PipelineBusy`).', {
          oneOf: [ref('PipelineDeleteStatus'), ref('ErrorBody')],
        }),
        ...errorResponsesExcept([...NOT_FOUND, 'InvalidQueryParameter', 'PipelineBusy'], ['409']),
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
      description: '`initiator` is taken from the `User-Agent`, as upstream: `dfctl/…` is `dfctl`, anything else `admin_api`.',
      parameters: [...PIPELINE, param('wait'), param('timeout_secs')],
      requestBody: { required: false, content: jsonContent(ref('ShutdownRequest')) },
      responses: {
        '200': jsonResponse('`wait=true`: the shutdown succeeded.', ref('ShutdownStatus')),
        '202': jsonResponse('Draining; follow it at `Location`.', ref('ShutdownStatus'), true),
        '409': jsonResponse('`wait=true` and the shutdown failed (the ShutdownStatus), or the pipeline is busy (an ErrorBody, `PipelineBusy`).', {
          oneOf: [ref('ShutdownStatus'), ref('ErrorBody')],
        }),
        '504': jsonResponse('`wait=true` ran out of `timeout_secs`: the ShutdownStatus as it stands; the drain goes on.', ref('ShutdownStatus'), true),
        ...errorResponsesExcept([...NOT_FOUND, 'InvalidQueryParameter', ...BODY_ERRORS, 'PipelineBusy', 'PipelineStopped'], ['409']),
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
