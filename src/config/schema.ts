// The shape of an `otel_dataflow/v1` document. Structure only: node configs are checked later against each node
// type's own schema, and everything that needs more than one field at a time (types, graph, addresses, cores) is
// semantic validation. Unknown fields are errors at every level; joi objects with declared keys refuse others.
import Joi from 'joi';
import { ID_PATTERN, ID_RULE, PROTOTYPE_KEYS } from './ids.js';
import { adminTlsSchema } from './admin-tls.js';
import { duration, listenAddress } from '../nodes/common-schemas.js';

const coreRange = Joi.object({
  start: Joi.number().integer().min(0).required(),
  end: Joi.number().integer().min(Joi.ref('start')).required().messages({ 'number.min': '{{#label}} must not be below start' }),
});

const coreAllocation = Joi.object({
  type: Joi.string().valid('all_cores', 'core_count', 'core_set').required(),
  count: Joi.when('type', {
    is: 'core_count',
    then: Joi.number().integer().min(1).required(),
    otherwise: Joi.forbidden(),
  }),
  set: Joi.when('type', {
    is: 'core_set',
    then: Joi.array().items(coreRange).min(1).required(),
    otherwise: Joi.forbidden(),
  }),
});

export const policiesSchema = Joi.object({
  resources: Joi.object({ core_allocation: coreAllocation }),
  channel_capacity: Joi.object({ pdata: Joi.number().integer().min(1) }),
  health: Joi.object({ ready_quorum: Joi.object({ Percent: Joi.number().min(0).max(100).required() }) }),
  runtime_recovery: Joi.object({
    enabled: Joi.boolean(),
    max_restarts: Joi.number().integer().min(0),
    initial_backoff: duration,
    max_backoff: duration,
    startup_timeout: duration,
    reset_after: duration,
  }),
});

const description = Joi.string().allow('');
// Node and extension configs belong to their type's schema; here they only have to be maps (YAML `config:` is null).
const freeConfig = Joi.object().unknown(true).allow(null);
const name = Joi.string().min(1);
/** Group and pipeline names: the id pattern the admin API and status keys rely on. */
const id = Joi.string().pattern(ID_PATTERN).invalid(...PROTOTYPE_KEYS);

const extension = Joi.object({ type: Joi.string().required(), description, config: freeConfig });

const node = Joi.object({
  type: Joi.string().required(),
  description,
  config: freeConfig,
  capabilities: Joi.object().pattern(name, Joi.string()),
});

const endpoints = Joi.alternatives(Joi.string(), Joi.array().items(Joi.string()).min(1)).messages({
  'alternatives.types': '{{#label}} must be a node name or a list of node names',
});

const connection = Joi.object({ from: endpoints.required(), to: endpoints.required() });

export const pipelineSchema = Joi.object({
  description,
  policies: policiesSchema,
  extensions: Joi.object().pattern(name, extension),
  nodes: Joi.object().pattern(name, node).required(),
  connections: Joi.array().items(connection).required(),
});

const group = Joi.object({
  description,
  policies: policiesSchema,
  pipelines: Joi.object()
    .pattern(id, pipelineSchema)
    .pattern(name, Joi.any().forbidden().messages({ 'any.unknown': `{{#label}}: a pipeline id ${ID_RULE}` }))
    .required(),
});

// A bearer token travels in an HTTP header, which cannot carry spaces or control characters at its ends and should not
// carry them at all: refused here rather than accepted and never matched. The message must not quote the value.
export const BEARER_TOKEN_PATTERN = /^[\x21-\x7e]+$/;
const bearerToken = Joi.string()
  .pattern(BEARER_TOKEN_PATTERN)
  .messages({ 'string.pattern.base': '{{#label}} must be printable ASCII without spaces' });

/** The admin API's own credentials (docs/admin/authentication.md): one token, given inline or in a file. */
const adminAuth = Joi.object({ bearer_token: bearerToken, bearer_token_file: Joi.string() }).xor(
  'bearer_token',
  'bearer_token_file',
);

export const SUPPORTED_VERSION = 'otel_dataflow/v1';
export const RESERVED_GROUP = 'system';

export const documentSchema = Joi.object({
  version: Joi.string()
    .valid(SUPPORTED_VERSION)
    .required()
    .messages({ 'any.only': `{{#label}} must be ${SUPPORTED_VERSION}` }),
  policies: policiesSchema,
  engine: Joi.object({ http_admin: Joi.object({ bind_address: listenAddress, auth: adminAuth, tls: adminTlsSchema }) }),
  groups: Joi.object({
    // The engine keeps its own pipelines under this name.
    [RESERVED_GROUP]: Joi.any()
      .forbidden()
      .messages({ 'any.unknown': `group name "${RESERVED_GROUP}" is reserved for the engine` }),
  })
    .pattern(id, group)
    .pattern(name, Joi.any().forbidden().messages({ 'any.unknown': `{{#label}}: a group id ${ID_RULE}` }))
    .required(),
});
