import Joi from 'joi';
import type { ExtensionDescriptor } from '../../config/catalog.js';
import { durationDefaulting } from '../../config/common-schemas.js';

export interface FileBearerTokenConfig {
  /** File holding the token (surrounding whitespace ignored), e.g. a Kubernetes projected service account token. */
  path: string;
  /** How long a check of the file stays good; 0 checks before every use, so a rotated token is used at once. */
  recheck_interval: string;
}

export const fileBearerToken: ExtensionDescriptor = {
  urn: 'urn:otel:extension:file_bearer_token',
  capabilities: ['bearer_token_provider'],
  configSchema: Joi.object({
    path: Joi.string().min(1).required(),
    recheck_interval: durationDefaulting('0ms'),
  }),
};
