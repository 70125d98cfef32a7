// extension:basic_auth: an authorizer for `Authorization: Basic` credentials checked against an htpasswd file of
// bcrypt hashes. bcrypt is slow on purpose (tens of ms a check), far too slow for every request of a busy client, so a
// pair that verified is remembered (as a sha256 digest, for the current version of the file) and later requests with
// it cost one hash.
import bcrypt from 'bcryptjs';
import { parseDuration } from '../../config/duration.js';
import type { AuthDecision } from '../capabilities.js';
import type { Extension, ExtensionContext } from '../extension.js';
import { credentialsFor } from '../support/authorization.js';
import { digest } from '../support/secrets.js';
import { WatchedFile } from '../support/watched-file.js';
import type { BasicAuthConfig } from './descriptor.js';
import { parseHtpasswd } from './htpasswd.js';

/** Bound on remembered pairs: a client rotating through many passwords cannot grow memory without limit. */
const MAX_REMEMBERED = 1024;

export function createBasicAuth(_name: string, raw: Record<string, unknown>): Extension {
  const config = raw as unknown as BasicAuthConfig;
  const file = new WatchedFile(config.file, parseHtpasswd, parseDuration(config.reload_interval ?? '1s'));
  /** Digest of `user:password` → the file version it verified against. */
  const verified = new Map<string, number>();
  let ctx: ExtensionContext | undefined;
  let staleReason: string | undefined;
  const onStale = (reason: string): void => {
    if (reason !== staleReason) ctx?.logger.warn({ reason }, 'htpasswd file unusable: still using the users read before');
    staleReason = reason;
  };

  async function check(pair: string): Promise<AuthDecision> {
    const colon = pair.indexOf(':');
    if (colon < 0) return { ok: false, reason: 'malformed Basic credentials' };
    const user = pair.slice(0, colon);
    const { value: users, version } = await file.read(onStale);
    const key = digest(pair).toString('base64');
    if (verified.get(key) === version) return { ok: true };
    const hash = users.get(user);
    // An unknown user still costs one bcrypt check, so timing does not tell which users exist.
    const matches = await bcrypt.compare(pair.slice(colon + 1), hash ?? (users.values().next().value as string));
    if (!matches || hash === undefined) return { ok: false, reason: 'user or password not accepted' };
    if (verified.size >= MAX_REMEMBERED) verified.clear();
    verified.set(key, version);
    return { ok: true };
  }

  return {
    capabilities: {
      bearer_token_authorizer: {
        challenge: `Basic realm="${config.realm ?? 'otap-engine'}", charset="UTF-8"`,
        async authorize(header): Promise<AuthDecision> {
          const parsed = credentialsFor('Basic', header);
          if (!parsed.ok) return parsed;
          const pair = Buffer.from(parsed.credentials, 'base64').toString('utf8');
          return check(pair);
        },
      },
    },
    async start(context) {
      ctx = context;
      await file.read();
    },
    async stop() {},
  };
}
