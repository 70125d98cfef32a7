// Which admin token is in force (env over config over file), and the refusal to expose an open admin API.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN_ENV, isLoopbackHost, setUpAdminAuth, type AdminAuthInputs } from '../../src/admin/auth-settings.js';
import { captureLogger } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'otap-admin-auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function inputs(overrides: Partial<AdminAuthInputs> = {}) {
  const { logger, logs } = captureLogger();
  return { logs, inputs: { config: undefined, env: {}, bind: '127.0.0.1:8080', allowUnauthenticated: false, logger, ...overrides } };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', 'localhost', 'LocalHost', '::ffff:127.0.0.1'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'example.com', 'localhost.example.com', '::2'])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('setUpAdminAuth', () => {
  it('leaves a loopback admin API open when no token is configured', async () => {
    const setup = await setUpAdminAuth(inputs({ bind: '[::1]:0' }).inputs);
    expect(setup).toMatchObject({ ok: true, source: undefined, tokenOrigin: 'none' });
  });

  it('refuses an open admin API on a non-loopback address, and warns when the flag allows it', async () => {
    const refused = await setUpAdminAuth(inputs({ bind: '0.0.0.0:8080' }).inputs);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.message).toMatch(/refusing to start: .*0\.0\.0\.0:8080.*--allow-unauthenticated-admin/);

    const { inputs: allowed, logs } = inputs({ bind: '0.0.0.0:8080', allowUnauthenticated: true });
    expect(await setUpAdminAuth(allowed)).toMatchObject({ ok: true, source: undefined });
    expect(logs.filter((l) => l.level === 40).map((l) => l.address)).toEqual(['0.0.0.0:8080']);
  });

  it('counts required client certificates (mutual TLS) as authentication on a non-loopback address', async () => {
    const { inputs: mutual, logs } = inputs({ bind: '0.0.0.0:8443', clientCertificates: true });
    expect(await setUpAdminAuth(mutual)).toMatchObject({ ok: true, source: undefined, tokenOrigin: 'none' });
    expect(logs.filter((l) => l.level === 40)).toEqual([]);
    expect((await setUpAdminAuth(inputs({ bind: '0.0.0.0:8443', clientCertificates: false }).inputs)).ok).toBe(false);
  });

  it('takes the token from the environment over the config, and then needs no flag on any address', async () => {
    const env = { [ADMIN_TOKEN_ENV]: 'from-env-123' };
    const setup = await setUpAdminAuth(inputs({ bind: '0.0.0.0:8080', env, config: { bearer_token: 'from-config-456' } }).inputs);
    expect(setup.ok && setup.tokenOrigin).toBe('env');
    expect(setup.ok && (await setup.source!.currentDigest())).toEqual(sha256('from-env-123'));

    // Set but empty is unset: the config's token is used.
    const empty = await setUpAdminAuth(inputs({ env: { [ADMIN_TOKEN_ENV]: '' }, config: { bearer_token: 'from-config-456' } }).inputs);
    expect(empty.ok && (await empty.source!.currentDigest())).toEqual(sha256('from-config-456'));
  });

  it('refuses an unusable token from the environment or a file without quoting it', async () => {
    const spaced = await setUpAdminAuth(inputs({ env: { [ADMIN_TOKEN_ENV]: 'has space-SECRET' } }).inputs);
    expect(spaced.ok).toBe(false);
    expect(!spaced.ok && spaced.message).toContain(ADMIN_TOKEN_ENV);
    expect(JSON.stringify(spaced)).not.toContain('SECRET');

    const missing = await setUpAdminAuth(inputs({ config: { bearer_token_file: join(dir, 'absent') } }).inputs);
    expect(!missing.ok && missing.message).toMatch(/bearer_token_file: cannot read .*absent: ENOENT/);

    const blank = join(dir, 'blank');
    writeFileSync(blank, '\n');
    expect(await setUpAdminAuth(inputs({ config: { bearer_token_file: blank } }).inputs)).toMatchObject({ ok: false });
  });

  it('reads a token file, without its trailing newline', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'file-token-789\n');
    const setup = await setUpAdminAuth(inputs({ bind: '0.0.0.0:1', config: { bearer_token_file: file } }).inputs);
    expect(setup.ok && setup.tokenOrigin).toBe('file');
    expect(setup.ok && (await setup.source!.currentDigest())).toEqual(sha256('file-token-789'));
  });
});
