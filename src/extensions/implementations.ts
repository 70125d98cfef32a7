// The implementation of every extension type, by URN, loaded on demand and kept apart from the descriptors so that an
// instance never loads joi (see src/nodes/implementations.ts).
import type { ExtensionFactory } from './extension.js';

export const extensionImplementations: Readonly<Record<string, () => Promise<ExtensionFactory>>> = {
  'urn:otel:extension:static_bearer_token': async () => (await import('./static-bearer-token/extension.js')).createStaticBearerToken,
  'urn:otel:extension:file_bearer_token': async () => (await import('./file-bearer-token/extension.js')).createFileBearerToken,
  'urn:otel:extension:oauth2_client_credentials': async () => (await import('./oauth2-client-credentials/extension.js')).createOAuth2ClientCredentials,
  'urn:otel:extension:bearer_token_authorizer': async () => (await import('./bearer-token-authorizer/extension.js')).createBearerTokenAuthorizer,
  'urn:otel:extension:basic_auth': async () => (await import('./basic-auth/extension.js')).createBasicAuth,
};
