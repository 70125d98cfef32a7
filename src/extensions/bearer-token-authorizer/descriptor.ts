import Joi from 'joi';
import type { ExtensionDescriptor } from '../../config/catalog.js';
import { durationDefaulting } from '../../config/common-schemas.js';

export interface BearerTokenAuthorizerConfig {
  /** Accepted tokens. */
  tokens?: string[];
  /** A file of accepted tokens, one a line (blank lines and `#` comments ignored), read again when it changes. */
  tokens_file?: string;
  /** Named in the `WWW-Authenticate` challenge of a refusal. */
  realm: string;
  /** How long a check of `tokens_file` stays good. */
  reload_interval: string;
}

export const bearerTokenAuthorizer: ExtensionDescriptor = {
  urn: 'urn:otel:extension:bearer_token_authorizer',
  capabilities: ['bearer_token_authorizer'],
  configSchema: Joi.object({
    tokens: Joi.array().items(Joi.string().pattern(/^\S+$/, 'token without whitespace')).min(1),
    tokens_file: Joi.string().min(1),
    realm: Joi.string().pattern(/^[^"\\]*$/, 'realm without quotes or backslashes').default('otap-engine'),
    reload_interval: durationDefaulting('1s'),
  }).or('tokens', 'tokens_file'),
};
