// Which credentials the admin API requires, decided once at start from the config, the environment and the command
// line; and the refusal to expose an unauthenticated admin API beyond this machine.
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { ADMIN_TOKEN_ENV, type AdminAuthConfig } from '../config/types.js';

export { ADMIN_TOKEN_ENV };
import { fileTokenSource, readTokenFile, staticTokenSource, tokenProblem, type AdminTokenSource } from './auth.js';
import { parseBindAddress } from './bind-address.js';

export interface AdminAuthInputs {
  /** `engine.http_admin.auth` of the validated config. */
  config: AdminAuthConfig | undefined;
  env: NodeJS.ProcessEnv;
  /** The bind address in force (after --http-admin-bind). */
  bind: string;
  allowUnauthenticated: boolean;
  /** The admin API requires client certificates (engine.http_admin.tls.client_ca_file): that is authentication too. */
  clientCertificates?: boolean;
  logger: Logger;
}

export type AdminAuthSetup =
  | { ok: true; source: AdminTokenSource | undefined; tokenOrigin: AdminTokenOrigin }
  | { ok: false; message: string };

/** What the `admin listening` line says about authentication: where the token comes from, never the token. */
export type AdminTokenOrigin = 'none' | 'env' | 'config' | 'file';

export function isLoopbackHost(host: string): boolean {
  const lower = host.toLowerCase();
  if (lower === 'localhost') return true;
  if (isIP(lower) === 4) return lower.startsWith('127.');
  if (isIP(lower) === 6) return lower === '::1' || /^::ffff:127\./.test(lower) || lower === '0:0:0:0:0:0:0:1';
  return false;
}

/** Resolves the token source (reading a token file once, so that a bad one stops the start) and applies the bind rule. */
export async function setUpAdminAuth(inputs: AdminAuthInputs): Promise<AdminAuthSetup> {
  const resolved = await resolveSource(inputs);
  if (!resolved.ok) return resolved;
  if (resolved.source !== undefined || inputs.clientCertificates === true) return resolved;

  const { host } = parseBindAddress(inputs.bind);
  if (isLoopbackHost(host)) return resolved;
  const exposure = `the admin API would listen on ${inputs.bind}, which is not a loopback address, without authentication`;
  if (!inputs.allowUnauthenticated) {
    return {
      ok: false,
      message:
        `refusing to start: ${exposure}. Anyone who reaches it could change or stop every pipeline. ` +
        `Configure engine.http_admin.auth (or set ${ADMIN_TOKEN_ENV}) or client certificates (engine.http_admin.tls.client_ca_file), bind it to a loopback address, ` +
        'or pass --allow-unauthenticated-admin to accept the risk',
    };
  }
  inputs.logger.warn({ address: inputs.bind }, `${exposure} (--allow-unauthenticated-admin)`);
  return resolved;
}

async function resolveSource({ config, env, logger }: AdminAuthInputs): Promise<AdminAuthSetup> {
  const fromEnv = env[ADMIN_TOKEN_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    const problem = tokenProblem(fromEnv);
    if (problem !== undefined) return { ok: false, message: `${ADMIN_TOKEN_ENV} cannot be used as the admin token: ${problem}` };
    if (config !== undefined) logger.info(`${ADMIN_TOKEN_ENV} is set: it overrides engine.http_admin.auth`);
    return { ok: true, source: staticTokenSource(fromEnv), tokenOrigin: 'env' };
  }
  if (config?.bearer_token !== undefined) {
    return { ok: true, source: staticTokenSource(config.bearer_token), tokenOrigin: 'config' };
  }
  if (config?.bearer_token_file !== undefined) {
    const path = config.bearer_token_file;
    const first = await readTokenFile(path);
    if (!first.ok) return { ok: false, message: `engine.http_admin.auth.bearer_token_file: ${first.reason}` };
    return { ok: true, source: fileTokenSource(path, logger), tokenOrigin: 'file' };
  }
  return { ok: true, source: undefined, tokenOrigin: 'none' };
}
