// extension:bearer_token_authorizer: a request is accepted when its bearer token is one of the configured tokens or a
// line of `tokens_file` (read again when the file changes). Tokens are kept and compared as sha256 digests, in
// constant time against every accepted one.
import { parseDuration } from '../../config/duration.js';
import type { AuthDecision } from '../capabilities.js';
import type { Extension, ExtensionContext } from '../extension.js';
import { credentialsFor } from '../../util/authorization.js';
import { digest, matchesAnyDigest } from '../../util/secrets.js';
import { WatchedFile } from '../support/watched-file.js';
import type { BearerTokenAuthorizerConfig } from './descriptor.js';

function parseTokenLines(text: string): Buffer[] {
  const tokens = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (tokens.length === 0) throw new Error('the tokens file lists no token');
  return tokens.map(digest);
}

export function createBearerTokenAuthorizer(_name: string, raw: Record<string, unknown>): Extension {
  const config = raw as unknown as BearerTokenAuthorizerConfig;
  const configured = (config.tokens ?? []).map(digest);
  const file = config.tokens_file
    ? new WatchedFile(config.tokens_file, parseTokenLines, parseDuration(config.reload_interval ?? '1s'))
    : undefined;
  let ctx: ExtensionContext | undefined;
  let staleReason: string | undefined;
  const onStale = (reason: string): void => {
    if (reason !== staleReason) ctx?.logger.warn({ reason }, 'tokens file unreadable: still accepting the tokens read before');
    staleReason = reason;
  };

  // The accepted list changes only with the file: merged once per version of it, not per request.
  let merged: { version: number; digests: typeof configured } | undefined;
  const withFile = ({ value, version }: { value: typeof configured; version: number }): typeof configured => {
    if (merged?.version !== version) merged = { version, digests: [...configured, ...value] };
    return merged.digests;
  };

  return {
    capabilities: {
      bearer_token_authorizer: {
        challenge: `Bearer realm="${config.realm ?? 'otap-engine'}"`,
        async authorize(header): Promise<AuthDecision> {
          const parsed = credentialsFor('Bearer', header);
          if (!parsed.ok) return parsed;
          const accepted = file ? withFile(await file.read(onStale)) : configured;
          return matchesAnyDigest(parsed.credentials, accepted) ? { ok: true } : { ok: false, reason: 'token not accepted' };
        },
      },
    },
    async start(context) {
      ctx = context;
      await file?.read();
    },
    async stop() {},
  };
}
