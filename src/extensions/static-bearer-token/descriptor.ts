import Joi from 'joi';
import type { ExtensionDescriptor } from '../../config/catalog.js';

export interface StaticBearerTokenConfig {
  /** The token itself; write `${env:VAR}` to keep it out of the config file. */
  token: string;
}

export const staticBearerToken: ExtensionDescriptor = {
  urn: 'urn:otel:extension:static_bearer_token',
  capabilities: ['bearer_token_provider'],
  configSchema: Joi.object({
    // No whitespace: it would not survive as one header value, and is nearly always a copy-paste accident.
    token: Joi.string().pattern(/^\S+$/, 'token without whitespace').required(),
  }),
};
