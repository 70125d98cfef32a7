// extension:basic_auth: an authorizer for `Authorization: Basic` credentials checked against an htpasswd file of
// bcrypt hashes. bcrypt is slow on purpose (tens of ms a check), far too slow for every request of a busy client, so
// the outcome for a pair, accepted or refused, is remembered (as a sha256 digest, for the current version of the file)
// and later requests with it cost one hash: a client stuck on a stale password must not keep the core busy hashing.
import bcrypt from 'bcryptjs';
import { parseDuration } from '../../config/duration.js';
import type { AuthDecision } from '../capabilities.js';
import type { Extension, ExtensionContext } from '../extension.js';
import { credentialsFor } from '../../util/authorization.js';
import { digest } from '../../util/secrets.js';
import { WatchedFile } from '../support/watched-file.js';
import type { BasicAuthConfig } from './descriptor.js';
import { parseHtpasswd } from './htpasswd.js';

/** Bound on remembered pairs: a client rotating through many passwords cannot grow memory without limit. */
const MAX_REMEMBERED = 1024;

/** A map that forgets its least recently used entry past `limit` (a Map iterates in insertion order). */
function remember<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value as K);
}

export function createBasicAuth(_name: string, raw: Record<string, unknown>): Extension {
  const config = raw as unknown as BasicAuthConfig;
  const file = new WatchedFile(config.file, parseHtpasswd, parseDuration(config.reload_interval ?? '1s'));
  /** Digest of `user:password` → the file version it was checked against, and whether it was accepted. */
  const decided = new Map<string, { version: number; ok: boolean }>();
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
    const known = decided.get(key);
    let ok: boolean;
    if (known?.version === version) {
      ok = known.ok;
      remember(decided, key, known, MAX_REMEMBERED);
    } else {
      const hash = users.get(user);
      // An unknown user still costs one bcrypt check, so timing does not tell which users exist.
      const matches = await bcrypt.compare(pair.slice(colon + 1), hash ?? (users.values().next().value as string));
      ok = matches && hash !== undefined;
      remember(decided, key, { version, ok }, MAX_REMEMBERED);
    }
    return ok ? { ok: true } : { ok: false, reason: 'user or password not accepted' };
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
