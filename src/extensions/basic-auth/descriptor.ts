import Joi from 'joi';
import type { ExtensionDescriptor } from '../../config/catalog.js';
import { durationDefaulting } from '../../config/common-schemas.js';

export interface BasicAuthConfig {
  /** htpasswd-style file: `user:<bcrypt hash>` a line (`htpasswd -B`), read again when it changes. */
  file: string;
  realm: string;
  /** How long a check of `file` stays good. */
  reload_interval: string;
}

export const basicAuth: ExtensionDescriptor = {
  urn: 'urn:otel:extension:basic_auth',
  capabilities: ['bearer_token_authorizer'],
  configSchema: Joi.object({
    file: Joi.string().min(1).required(),
    realm: Joi.string().pattern(/^[^"\\]*$/, 'realm without quotes or backslashes').default('otap-engine'),
    reload_interval: durationDefaulting('1s'),
  }),
};
