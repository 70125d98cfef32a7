// The bearer_token_authorizer capability: bearer_token_authorizer (tokens from config or a file) and basic_auth
// (htpasswd with bcrypt hashes), against real files.
import bcrypt from 'bcryptjs';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildExtension } from './helpers.js';

const file = (name: string, text: string): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'otap-authz-')), name);
  writeFileSync(path, text);
  return path;
};

async function authorizer(id: string, config: Record<string, unknown>) {
  const b = await buildExtension(id, config);
  await b.start();
  const authz = b.extension.capabilities.bearer_token_authorizer!;
  return { ...b, authz, verdict: async (header: string | undefined) => (await authz.authorize(header)).ok };
}

describe('bearer_token_authorizer', () => {
  it('accepts a configured token and refuses a missing, malformed, wrong-scheme or unknown one', async () => {
    const { authz, verdict } = await authorizer('bearer_token_authorizer', { tokens: ['good-1', 'good-2'] });
    expect(await verdict('Bearer good-1')).toBe(true);
    expect(await verdict('bearer   good-2')).toBe(true);
    expect(await authz.authorize(undefined)).toEqual({ ok: false, reason: 'no credentials' });
    expect(await verdict('Bearer')).toBe(false);
    expect(await verdict('Basic good-1')).toBe(false);
    expect(await verdict('Bearer good-')).toBe(false);
    expect(await verdict('Bearer good-1x')).toBe(false);
    expect(authz.challenge).toBe('Bearer realm="otap-engine"');
  });

  it('reads accepted tokens from a file, again when it is replaced', async () => {
    const path = file('tokens', '# clients\nalpha\n\n  beta  \n');
    const { verdict } = await authorizer('bearer_token_authorizer', { tokens_file: path, reload_interval: '0ms', tokens: ['inline'] });
    expect([await verdict('Bearer alpha'), await verdict('Bearer beta'), await verdict('Bearer inline')]).toEqual([true, true, true]);
    expect(await verdict('Bearer gamma')).toBe(false);
    writeFileSync(`${path}.new`, 'gamma\n');
    renameSync(`${path}.new`, path);
    expect([await verdict('Bearer alpha'), await verdict('Bearer gamma'), await verdict('Bearer inline')]).toEqual([false, true, true]);
  });

  it('cannot start with a tokens file that lists nothing', async () => {
    const b = await buildExtension('bearer_token_authorizer', { tokens_file: file('tokens', '# nobody yet\n') });
    await expect(b.start()).rejects.toThrow('lists no token');
  });
});

describe('basic_auth', () => {
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  // Cost 4 keeps the test quick; the check is the same at any cost. htpasswd -B writes $2y$.
  const htpasswd = () =>
    `# operators\nalice:${bcrypt.hashSync('wonder land', 4).replace(/^\$2b\$/, '$2y$')}\nbob:${bcrypt.hashSync('builder', 4)}\n`;

  it('accepts a user with the right password and refuses wrong passwords, unknown users and other schemes', async () => {
    const { authz, verdict } = await authorizer('basic_auth', { file: file('htpasswd', htpasswd()), realm: 'ops' });
    expect(await verdict(basic('alice', 'wonder land'))).toBe(true);
    expect(await verdict(basic('alice', 'wonder land'))).toBe(true); // remembered
    expect(await verdict(basic('bob', 'builder'))).toBe(true);
    expect(await verdict(basic('alice', 'builder'))).toBe(false);
    expect(await verdict(basic('carol', 'builder'))).toBe(false);
    expect(await verdict('Bearer abc')).toBe(false);
    expect(await verdict(`Basic ${Buffer.from('no-colon').toString('base64')}`)).toBe(false);
    expect(authz.challenge).toBe('Basic realm="ops", charset="UTF-8"');
  });

  it('forgets a password once the file changes it', async () => {
    const path = file('htpasswd', htpasswd());
    const { verdict } = await authorizer('basic_auth', { file: path, reload_interval: '0ms' });
    expect(await verdict(basic('bob', 'builder'))).toBe(true);
    writeFileSync(path, `bob:${bcrypt.hashSync('rebuilt', 4)}\n`);
    expect(await verdict(basic('bob', 'builder'))).toBe(false);
    expect(await verdict(basic('bob', 'rebuilt'))).toBe(true);
  });

  it('cannot start with a hash that is not bcrypt, naming the line', async () => {
    const b = await buildExtension('basic_auth', { file: file('htpasswd', `alice:${bcrypt.hashSync('x', 4)}\nbob:$apr1$abc$def\n`) });
    await expect(b.start()).rejects.toThrow('line 2: user "bob" has no bcrypt hash');
  });
});
