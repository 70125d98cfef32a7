// Bearer token authentication of the admin API (docs/admin/authentication.md). Mounted before every router, so a request
// without the token is refused before any body is read or parsed; the probes stay open for load balancers and systemd.
import { readFile } from 'node:fs/promises';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { BEARER_TOKEN_PATTERN } from '../config/schema.js';
import { ApiError } from './errors.js';
import { carriesBody } from './json-body.js';
import { credentialsFor } from '../util/authorization.js';
import { digest, matchesAnyDigest } from '../util/secrets.js';

/** Where the expected token comes from. Only its digest is kept, so no object of ours holds the token itself. */
export interface AdminTokenSource {
  /** sha256 of the token now in force; undefined when none is available (a missing file): every request is refused. */
  currentDigest(): Promise<Buffer | undefined>;
}

const REALM = 'Bearer realm="otap-engine"';

/** Why a token cannot be used, or undefined. Never quotes the token. */
export function tokenProblem(token: string): string | undefined {
  if (token === '') return 'it is empty';
  return BEARER_TOKEN_PATTERN.test(token) ? undefined : 'it must be printable ASCII without spaces';
}

export function staticTokenSource(token: string): AdminTokenSource {
  const expected = digest(token);
  return { currentDigest: () => Promise.resolve(expected) };
}

/**
 * A token kept in a file (Kubernetes projected tokens, systemd credentials). The file is read for every request rather
 * than watched: a rotation (often an atomic symlink swap, which inode watchers miss) takes effect at once, and the old
 * token stops working at that moment. Concurrent requests share one read. A file that cannot be read or holds no usable
 * token refuses every request (failing open would be worse) and is logged once per episode.
 */
export function fileTokenSource(path: string, logger: Logger): AdminTokenSource {
  let reading: Promise<Buffer | undefined> | null = null;
  let failing = false;
  const read = async (): Promise<Buffer | undefined> => {
    const loaded = await readTokenFile(path);
    if (loaded.ok) {
      if (failing) logger.info({ path }, 'admin token file is usable again');
      failing = false;
      return digest(loaded.token);
    }
    if (!failing) logger.error({ path, reason: loaded.reason }, 'admin token file unusable: refusing every admin request');
    failing = true;
    return undefined;
  };
  return {
    currentDigest() {
      reading ??= read().finally(() => (reading = null));
      return reading;
    },
  };
}

/** Reads a token file; surrounding whitespace (the usual trailing newline) is not part of the token. */
export async function readTokenFile(path: string): Promise<{ ok: true; token: string } | { ok: false; reason: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { ok: false, reason: `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}` };
  }
  const token = text.trim();
  const problem = tokenProblem(token);
  return problem === undefined ? { ok: true, token } : { ok: false, reason: `the token in ${path} is unusable: ${problem}` };
}

function refuse(wrongToken: boolean, hasBody: boolean): ApiError {
  const headers: Record<string, string> = {
    'WWW-Authenticate': wrongToken ? `${REALM}, error="invalid_token"` : REALM,
  };
  // Node would otherwise read and discard the unread body to keep the connection: a refused client gets no such work.
  if (hasBody) headers.Connection = 'close';
  const message = wrongToken
    ? 'the bearer token is not valid for this admin API'
    : 'this admin API requires a bearer token: Authorization: Bearer <token>';
  return new ApiError('Unauthorized', message, {}, headers);
}

export interface RequireBearerTokenOptions {
  source: AdminTokenSource;
  /** Paths open without a token (the probes), as the app routes them: lower case, no trailing slash. */
  publicPaths: ReadonlySet<string>;
}

// Routing is case-insensitive and ignores one trailing slash; the exemption must match exactly what routing serves.
function routedForm(path: string): string {
  const lower = path.toLowerCase();
  return lower.length > 1 && lower.endsWith('/') ? lower.slice(0, -1) : lower;
}

export function requireBearerToken({ source, publicPaths }: RequireBearerTokenOptions): RequestHandler {
  return async (req, _res, next) => {
    if (publicPaths.has(routedForm(req.path))) return next();
    // No header, another scheme (Basic, ...) or no token after `Bearer` are no credentials (RFC 6750 §3.1): the
    // answer then names no error.
    const presented = credentialsFor('Bearer', req.headers.authorization);
    if (!presented.ok) return next(refuse(false, carriesBody(req.headers)));
    const expected = await source.currentDigest();
    const valid = expected !== undefined && matchesAnyDigest(presented.credentials, [expected]);
    next(valid ? undefined : refuse(true, carriesBody(req.headers)));
  };
}
