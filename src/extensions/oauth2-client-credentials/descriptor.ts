import Joi from 'joi';
import type { ExtensionDescriptor } from '../../config/catalog.js';
import { durationDefaulting, httpUrl } from '../../config/common-schemas.js';

export interface OAuth2ClientCredentialsConfig {
  token_url: string;
  client_id: string;
  client_secret: string;
  scopes: string[];
  /** Extra form fields of the token request (`audience`, `resource`...). */
  endpoint_params: Record<string, string>;
  /** `basic`: client id and secret in an Authorization header (RFC 6749 §2.3.1); `post`: in the form body. */
  client_auth: 'basic' | 'post';
  /** Refresh when this much of a token's lifetime is left (at most half its lifetime). */
  expiry_buffer: string;
  /** Bound of one token request. */
  timeout: string;
  /** How long the first token may take before the instance gives up starting (and a rollout rolls back). */
  start_timeout: string;
  retry: { initial_backoff: string; max_backoff: string };
}

const GRANT_PARAMS = ['grant_type', 'client_id', 'client_secret', 'scope'];

export const oauth2ClientCredentials: ExtensionDescriptor = {
  urn: 'urn:otel:extension:oauth2_client_credentials',
  capabilities: ['bearer_token_provider'],
  configSchema: Joi.object({
    token_url: httpUrl.required(),
    client_id: Joi.string().min(1).required(),
    client_secret: Joi.string().min(1).required(),
    scopes: Joi.array().items(Joi.string().pattern(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'scope token')).default([]),
    endpoint_params: Joi.object()
      .pattern(Joi.string().invalid(...GRANT_PARAMS).messages({ 'any.invalid': '{{#label}} is set by the extension itself' }), Joi.string())
      .default({}),
    client_auth: Joi.string().valid('basic', 'post').default('basic'),
    expiry_buffer: durationDefaulting('60s'),
    timeout: durationDefaulting('10s'),
    start_timeout: durationDefaulting('10s'),
    retry: Joi.object({
      initial_backoff: durationDefaulting('250ms'),
      max_backoff: durationDefaulting('30s'),
    }).default(),
  }),
};
