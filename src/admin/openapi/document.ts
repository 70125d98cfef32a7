// The OpenAPI 3.1 document of the admin API, served at GET /api/v1/openapi.json and kept in docs/admin/openapi.json
// (`npm run docs:openapi` writes it; test/admin/openapi-docs.test.ts fails when the copy is stale). Built once, from
// plain values and the error registry, so that it is the same on every call and ships inside dist/.
import { configSchemas } from './config-schemas.js';
import { consolePaths } from './console-paths.js';
import { enginePaths } from './engine-paths.js';
import { operationSchemas } from './operation-schemas.js';
import { pipelinePaths } from './pipeline-paths.js';
import type { OpenApiObject } from './responses.js';
import { statusSchemas } from './status-schemas.js';
import { telemetryPaths } from './telemetry-paths.js';
import { telemetrySchemas } from './telemetry-schemas.js';
import { ID_PATTERN } from '../../config/ids.js';
import { OPERATION_ID_PATTERN } from '../schemas.js';



function pathId(name: string, description: string, pattern: string): OpenApiObject {
  return { name, in: 'path', required: true, description, schema: { type: 'string', pattern } };
}

function queryFlag(name: string, description: string): OpenApiObject {
  return { name, in: 'query', required: false, description, schema: { type: 'boolean', default: false } };
}

const DESCRIPTION = `The admin API of otap-engine: read the status of every pipeline, and create, change, resize, stop, start
and delete pipelines while the engine runs, without losing data. docs/admin/live-reconfiguration.md shows every
operation with real answers; docs/admin/errors.md lists every error code.

- Every answer carries \`Cache-Control: no-store\`, \`X-Content-Type-Options: nosniff\`, \`X-Frame-Options: DENY\` and
  \`Referrer-Policy: no-referrer\`.
- Every error answer has the body ErrorBody (branch on its stable \`error_code\`), but for upstream's operation answers:
  a waited operation that failed (409) or ran out of time (504), and a DELETE that failed (409), answer with the
  operation's record itself, and \`POST /groups/shutdown\` always answers upstream's ShutdownResponse.
- A method a path does not take answers \`405 MethodNotAllowed\` with an \`Allow\` header; \`OPTIONS\` on any path
  answers \`204\` with \`Allow\`; an unknown path answers \`404 RouteNotFound\`.
- Unknown or repeated query parameters and wrongly typed body fields are \`400\`, before anything is looked at.
- Records only ever gain fields: clients should ignore fields they do not know.`;

function buildDocument(): OpenApiObject {
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'otap-engine admin API',
      version: '1',
      description: DESCRIPTION,
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/', description: 'The engine\'s admin address (`engine.http_admin.bind_address`, default 127.0.0.1:8080).' }],
    security: [{ bearerAuth: [] }],
    tags: [
      { name: 'status', description: 'Engine and pipeline status, probes, metrics' },
      { name: 'config', description: 'The committed config and whole-config reconciles' },
      { name: 'groups', description: 'Pipeline groups' },
      { name: 'pipelines', description: 'Pipelines: read, create, change, delete' },
      { name: 'operations', description: 'Rollouts, shutdowns and starts' },
      { name: 'meta', description: 'This document' },
      { name: 'console', description: 'The web console and its live feed' },
    ],
    paths: { ...enginePaths, ...pipelinePaths, ...telemetryPaths, ...consolePaths },
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description:
            'Required when `engine.http_admin.auth` is configured: every path but the probes then needs ' +
            '`Authorization: Bearer <token>` and answers `401 Unauthorized` (kind `unauthorized`) without it. ' +
            'Without that setting no token is asked for.',
        },
      },
      parameters: {
        group: pathId('group', 'Pipeline group id; not `.` or `..`.', ID_PATTERN.source),
        pipeline: pathId('pipeline', 'Pipeline id; not `.` or `..`.', ID_PATTERN.source),
        rolloutId: pathId('rolloutId', 'From the answer that started the rollout (or its `Location`).', OPERATION_ID_PATTERN.source),
        shutdownId: pathId('shutdownId', 'From the answer that started the shutdown (or its `Location`).', OPERATION_ID_PATTERN.source),
        reconcileId: pathId('reconcileId', 'From the answer that started the reconcile, or `latest`.', OPERATION_ID_PATTERN.source),
        wait: queryFlag('wait', 'Answer only when the operation has ended, or when `timeout_secs` ran out (504, the operation goes on).'),
        timeout_secs: {
          name: 'timeout_secs',
          in: 'query',
          required: false,
          description: 'How long `wait=true` waits; for a shutdown, also the drain window (as upstream).',
          schema: { type: 'integer', minimum: 1, maximum: 3600, default: 60 },
        },
        dry_run: queryFlag('dry_run', 'Validate and plan only: answers what would be done and changes nothing.'),
        reconcile_wait: {
          name: 'wait',
          in: 'query',
          required: false,
          description: "Answer when the reconcile has ended (upstream's only way); `false` (ours): 202 at once.",
          schema: { type: 'boolean', default: true },
        },
        reconcile_timeout_secs: {
          name: 'timeout_secs',
          in: 'query',
          required: false,
          description: 'Ours: how long to wait at most (504, the reconcile goes on). Without it, until the reconcile ends.',
          schema: { type: 'integer', minimum: 1, maximum: 3600 },
        },
        delete_timeout_secs: {
          name: 'timeout_secs',
          in: 'query',
          required: false,
          description: 'The drain window of each pipeline deleted: an instance still draining past it is killed, and the delete fails.',
          schema: { type: 'integer', minimum: 1, maximum: 3600, default: 60 },
        },
      },
      headers: {
        Location: { description: 'Where to follow the operation (its record).', schema: { type: 'string', format: 'uri-reference' } },
      },
      schemas: { ...statusSchemas, ...operationSchemas, ...configSchemas, ...telemetrySchemas },
    },
  };
}

let built: OpenApiObject | undefined;

/** The document; the same object on every call, so it must not be mutated. */
export function openApiDocument(): OpenApiObject {
  built ??= Object.freeze(buildDocument());
  return built;
}
