// Capabilities: the typed services an extension offers and a node takes. A node names, per capability, the extension
// that serves it (`capabilities: { bearer_token_provider: token }`); the runtime resolves that name to the extension's
// object once, when it builds the graph, and hands it to the node's factory. Nodes never look anything up per record.

import { CAPABILITY_NAMES, type CapabilityName } from '../config/catalog.js';

export { CAPABILITY_NAMES, type CapabilityName } from '../config/catalog.js';

export interface BearerToken {
  value: string;
  /** Epoch ms after which the token is no longer good; undefined when its lifetime is not known. */
  expiresAt?: number;
}

/** Credentials for outgoing requests. The extension keeps the token fresh (refreshing ahead of expiry). */
export interface BearerTokenProvider {
  /**
   * The token to send now. Rejects when there is none worth sending (never fetched, or expired and the refresh is
   * failing): an exporter answers that as retryable, so no data is lost while credentials recover.
   */
  token(): Promise<BearerToken>;
}

export type AuthDecision = { ok: true } | { ok: false; reason: string };

/** Judges the credentials of incoming requests. */
export interface BearerTokenAuthorizer {
  /** The `WWW-Authenticate` challenge a refusal carries, e.g. `Bearer realm="otap-engine"`. */
  readonly challenge: string;
  /** `authorization` is the request's Authorization header (HTTP) or metadata value (gRPC); undefined when absent. */
  authorize(authorization: string | undefined): Promise<AuthDecision>;
}

export interface CapabilityTypes {
  bearer_token_provider: BearerTokenProvider;
  bearer_token_authorizer: BearerTokenAuthorizer;
}

/** What a node's factory receives: the capabilities its config binds, already resolved to their extensions' objects. */
export type NodeCapabilities = Partial<CapabilityTypes>;

export function isCapabilityName(name: string): name is CapabilityName {
  return (CAPABILITY_NAMES as readonly string[]).includes(name);
}
