// What the supervisor knows of an extension type without loading its implementation: its URN, its config schema
// (joi, with defaults) and the capabilities it offers. Implementations are in implementations.ts.
import type Joi from 'joi';
import type { CapabilityName } from './capabilities.js';

export interface ExtensionDescriptor {
  /** Full URN, `urn:otel:extension:static_bearer_token`. */
  urn: string;
  /** Validates and fills defaults of `extensions.<name>.config`. Unknown keys are errors. */
  configSchema: Joi.ObjectSchema;
  capabilities: readonly CapabilityName[];
}
