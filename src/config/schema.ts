// The shape of an `otel_dataflow/v1` document. Structure only: node configs are checked later against each node
// type's own schema, and everything that needs more than one field at a time (types, graph, addresses, cores) is
// semantic validation. Unknown fields are errors at every level; joi objects with declared keys refuse others.
import Joi from 'joi';
import { ID_PATTERN, ID_RULE, PROTOTYPE_KEYS } from './ids.js';
import { listenAddress, noEffect, notSupported } from './common-schemas.js';
import { policiesSchema } from './policies-schema.js';
import { engineTelemetryKeys } from './engine-telemetry.js';
import { adminTlsSchema } from './admin-tls.js';

export { policiesSchema };

const description = Joi.string().allow('');
// Node and extension configs belong to their type's schema; here they only have to be maps (YAML `config:` is null).
const freeConfig = Joi.object().unknown(true).allow(null);
const name = Joi.string().min(1);
/** Group and pipeline names: the id pattern the admin API and status keys rely on. */
const id = Joi.string().pattern(ID_PATTERN).invalid(...PROTOTYPE_KEYS);

const extension = Joi.object({ type: Joi.string().required(), description, config: freeConfig });

const portName = Joi.string().min(1);

const identityValue = Joi.alternatives(Joi.string().allow(''), Joi.number(), Joi.boolean());

const node = Joi.object({
  type: Joi.string().required(),
  description,
  config: freeConfig,
  capabilities: Joi.object().pattern(name, Joi.string()),
  outputs: Joi.array().items(portName).unique(),
  default_output: portName,
  entity: Joi.object({
    extend: Joi.object({
      identity_attributes: Joi.object().pattern(
        Joi.string().min(1),
        Joi.alternatives(identityValue, Joi.object({ value: identityValue.required(), brief: Joi.string().allow('') })),
      ),
    }),
  }),
  policies: Joi.object({
    telemetry: Joi.object({
      item_counts: noEffect(Joi.boolean(), 'this engine always counts the items every node receives and sends'),
    }),
  }),
  rate_limiters: notSupported('receiver admission rate limits are not implemented'),
  header_capture: notSupported('transport headers are neither captured nor propagated'),
  header_propagation: notSupported('transport headers are neither captured nor propagated'),
});

const endpoints = Joi.alternatives(Joi.string(), Joi.array().items(Joi.string()).min(1)).messages({
  'alternatives.types': '{{#label}} must be a node name or a list of node names',
});

const connection = Joi.object({
  from: endpoints.required(),
  to: endpoints.required(),
  policies: Joi.object({ dispatch: Joi.string().valid('one_of', 'broadcast') }),
});

export const pipelineSchema = Joi.object({
  // Upstream's pdata flavour: OTLP bytes travel here whichever it names, and every node reads them.
  type: noEffect(Joi.string().valid('otap', 'otlp'), 'pipelines carry OTLP protobuf bytes whatever their type'),
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
  topics: notSupported('topics connect pipelines of upstream\'s single process; pipelines here are separate processes'),
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
  engine: Joi.object({
    http_admin: Joi.object({ bind_address: listenAddress, auth: adminAuth, tls: adminTlsSchema }),
    controller: Joi.object({ extensions: Joi.object().pattern(name, extension) }),
    // Ours: where every committed live change is persisted (`--state-dir` wins over it).
    state_dir: Joi.string().min(1),
    ...engineTelemetryKeys(pipelineSchema, policiesSchema),
  }),
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
