// Engine-wide paths: status, probes, config and reconcile, and this document (metrics: telemetry-paths.ts).
import { ref } from './json-schema.js';
import { BODY_ERRORS, errorResponses, errorResponsesExcept, jsonContent, jsonResponse, type OpenApiObject } from './responses.js';

const param = (name: string): OpenApiObject => ({ $ref: `#/components/parameters/${name}` });

const engineStatus: OpenApiObject = {
  tags: ['status'],
  summary: 'Status of every pipeline',
  responses: { '200': jsonResponse('The status of every pipeline, by `group:pipeline`.', ref('EngineStatus')), ...errorResponses([]) },
};

const FAILED_STATUS = { livez: 500, readyz: 503 } as const;

function probe(name: 'livez' | 'readyz', summary: string): OpenApiObject {
  return {
    get: {
      tags: ['status'],
      operationId: `get${name[0]!.toUpperCase()}${name.slice(1)}`,
      summary,
      description: 'Open without the admin token, for load balancers and service managers: the status code alone tells the answer.',
      security: [],
      responses: {
        ...errorResponses([], { open: true }),
        '200': jsonResponse('`status: ok`.', ref('ProbeResult')),
        // livez fails with 500, the status of an unexpected error too: either body may come with it.
        [String(FAILED_STATUS[name])]: jsonResponse(
          '`status: failed` (as upstream: 500 for livez, 503 for readyz); `failing` names each pipeline with the condition ' +
          'that fails it, `message` says why. (A 500 with an ErrorBody is an unexpected error.)',
          name === 'livez' ? { oneOf: [ref('ProbeResult'), ref('ErrorBody')] } : ref('ProbeResult'),
        ),
      },
    },
  };
}

export const enginePaths: Record<string, OpenApiObject> = {
  '/status': {
    get: {
      ...engineStatus,
      operationId: 'getStatusAtRoot',
      description: 'The same as `/api/v1/status`, at the root where scripts written for the upstream engine look for it.',
    },
  },
  '/api/v1/status': { get: { ...engineStatus, operationId: 'getStatus' } },
  '/api/v1/groups/status': {
    get: { ...engineStatus, operationId: 'getGroupsStatus', summary: 'Status of every pipeline of every group (the same answer as /status, as upstream)' },
  },
  '/api/v1/livez': probe('livez', 'Liveness probe'),
  '/api/v1/readyz': probe('readyz', 'Readiness probe (stopped pipelines are left out)'),
  '/api/v1/config': {
    get: {
      tags: ['config'],
      operationId: 'getConfig',
      summary: 'The committed config as it runs now',
      description: 'Secrets (credential-like keys, the admin token) are redacted.',
      responses: { '200': jsonResponse('The committed `otel_dataflow/v1` document.', ref('EngineConfig')), ...errorResponses([]) },
    },
  },
  '/api/v1/config/export': {
    get: {
      tags: ['config'],
      operationId: 'exportConfig',
      summary: 'The committed config as written, for `--config` (ours)',
      description:
        'The committed `otel_dataflow/v1` document as the operator gave it (the config file and every change since): ' +
        '`${env:…}` references stay references and no substituted value is shown; a credential written literally under ' +
        'a credential-like key is redacted. `otap-engine ctl config export` prints it as YAML that `--config` accepts.',
      responses: { '200': jsonResponse('The committed document, as written.', { type: 'object', additionalProperties: true }), ...errorResponses([]) },
    },
  },
  '/api/v1/config/reconcile': {
    post: {
      tags: ['config'],
      operationId: 'reconcileConfig',
      summary: 'Make the engine match a whole config document',
      description:
        'Every pipeline of the document is planned as a PUT would plan it, and they roll out together; the reconcile holds ' +
        'the engine meanwhile (any other operation answers `409 PipelineBusy`). Once every rollout succeeded, with ' +
        '`deleteMissing` (the default, as upstream) the pipelines and then the groups the document leaves out are deleted, ' +
        "and the document's policies are committed. A failed reconcile keeps the rollouts that succeeded and deletes " +
        'nothing more. Waits for the end by default, as upstream. With `dry_run=true` the answer is the plan of each ' +
        'pipeline and nothing changes.',
      parameters: [param('reconcile_wait'), param('reconcile_timeout_secs'), param('dry_run')],
      requestBody: { required: true, content: jsonContent(ref('ReconcileRequest')) },
      responses: {
        '200': jsonResponse('It succeeded (a ReconcileStatus), or `dry_run=true` (a ReconcileDryRun).', {
          oneOf: [ref('ReconcileStatus'), ref('ReconcileDryRun')],
        }),
        '202': jsonResponse('`wait=false`: started; follow it at `Location`.', ref('ReconcileStatus'), true),
        '409': jsonResponse('It failed (the ReconcileStatus, naming each change that failed), or a pipeline is busy (an ErrorBody, `PipelineBusy`).', {
          oneOf: [ref('ReconcileStatus'), ref('ErrorBody')],
        }),
        '504': jsonResponse('`timeout_secs` ran out: the ReconcileStatus as it stands; the reconcile goes on.', ref('ReconcileStatus'), true),
        ...errorResponsesExcept(['InvalidQueryParameter', ...BODY_ERRORS, 'PipelineBusy', 'InvalidConfig'], ['409']),
      },
    },
  },
  '/api/v1/config/reconciles/{reconcileId}': {
    get: {
      tags: ['config'],
      operationId: 'getReconcile',
      summary: 'One reconcile record',
      description: 'The engine keeps the last 32. The id `latest` names the most recent one, whatever started it (an API call or a reload).',
      parameters: [param('reconcileId')],
      responses: {
        '200': jsonResponse('The ReconcileStatus.', ref('ReconcileStatus')),
        ...errorResponses(['InvalidPathParameter', 'ReconcileNotFound']),
      },
    },
  },
  '/api/v1/openapi.json': {
    get: {
      tags: ['meta'],
      operationId: 'getOpenApiDocument',
      summary: 'This document',
      responses: { '200': jsonResponse('The OpenAPI 3.1 document of the admin API.', { type: 'object' }), ...errorResponses([]) },
    },
  },
};
