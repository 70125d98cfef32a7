// Every extension type the engine knows, by full URN. The supervisor validates configs against these descriptors; an
// instance loads only the implementations its pipeline uses (implementations.ts).
import type { ExtensionDescriptor } from '../config/catalog.js';
import { staticBearerToken } from './static-bearer-token/descriptor.js';
import { fileBearerToken } from './file-bearer-token/descriptor.js';
import { oauth2ClientCredentials } from './oauth2-client-credentials/descriptor.js';
import { bearerTokenAuthorizer } from './bearer-token-authorizer/descriptor.js';
import { basicAuth } from './basic-auth/descriptor.js';

const descriptors: readonly ExtensionDescriptor[] = [
  staticBearerToken,
  fileBearerToken,
  oauth2ClientCredentials,
  bearerTokenAuthorizer,
  basicAuth,
];

const byUrn = new Map(descriptors.map((d) => [d.urn, d]));

export function lookupExtension(urn: string): ExtensionDescriptor | undefined {
  return byUrn.get(urn);
}

export function knownExtensionUrns(): string[] {
  return [...byUrn.keys()].sort();
}
