// Request authentication of receiver:otlp, when the node binds a `bearer_token_authorizer`: the one step both
// protocols run before anything else looks at a request. Refusals are counted (`requestsUnauthorized`) and logged at
// most once a minute with how many there were, so a misconfigured client cannot flood the log.
import type { AuthDecision, BearerTokenAuthorizer } from '../../../extensions/capabilities.js';
import type { NodeContext } from '../../../pipeline/node.js';

const LOG_EVERY_MS = 60_000;

export class RequestAuth {
  private refusedSinceLog = 0;
  private loggedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly authorizer: BearerTokenAuthorizer,
    private readonly ctx: NodeContext,
  ) {}

  get challenge(): string {
    return this.authorizer.challenge;
  }

  async check(authorization: string | undefined, protocol: 'http' | 'grpc'): Promise<AuthDecision> {
    let decision: AuthDecision;
    try {
      decision = await this.authorizer.authorize(authorization);
    } catch (error) {
      // An authorizer that cannot decide refuses: failing open would let anyone in while it is broken.
      this.ctx.logger.error({ err: error }, 'authorizer failed: refusing the request');
      decision = { ok: false, reason: 'credentials could not be checked' };
    }
    if (!decision.ok) this.refused(decision.reason, protocol);
    return decision;
  }

  private refused(reason: string, protocol: 'http' | 'grpc'): void {
    this.ctx.countUnauthorized?.(1);
    this.refusedSinceLog++;
    const now = performance.now();
    if (now - this.loggedAt < LOG_EVERY_MS) return;
    this.ctx.logger.warn({ reason, protocol, refusedRequests: this.refusedSinceLog }, 'refusing requests without accepted credentials (logged at most once a minute)');
    this.loggedAt = now;
    this.refusedSinceLog = 0;
  }
}
