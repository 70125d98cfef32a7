// engine.http_admin.auth in the document schema, and validation messages that never quote a secret.
import Joi from 'joi';
import { describe, expect, it } from 'vitest';
import { validateWithJoi } from '../../src/config/joi-errors.js';
import { doc, errorsOf, pathsAndCodes, validOf } from './helpers.js';

const withAuth = (auth: unknown) => doc(undefined, { engine: { http_admin: { bind_address: '0.0.0.0:8080', auth } } });
const SECRET = 'SeCrEt-9d1c7b';

describe('engine.http_admin.auth', () => {
  it('takes a token or a token file', () => {
    expect(validOf(withAuth({ bearer_token: SECRET })).config.engine?.http_admin?.auth).toEqual({ bearer_token: SECRET });
    expect(validOf(withAuth({ bearer_token_file: '/run/credentials/otap-engine/admin-token' })).ok).toBe(true);
  });

  it('takes exactly one of them, and nothing else', () => {
    const A = 'engine.http_admin.auth';
    expect(pathsAndCodes(errorsOf(withAuth({})))).toEqual([[A, 'InvalidValue']]);
    expect(pathsAndCodes(errorsOf(withAuth({ bearer_token: SECRET, bearer_token_file: '/t' })))).toEqual([[A, 'InvalidValue']]);
    expect(pathsAndCodes(errorsOf(withAuth({ bearer_token: SECRET, basic: 'x' })))).toEqual([[`${A}.basic`, 'UnknownField']]);
  });

  it('refuses an empty token or one with spaces, without quoting it', () => {
    for (const token of ['', `${SECRET} with spaces`, `${SECRET}\n`, 42]) {
      const errors = errorsOf(withAuth({ bearer_token: token }));
      expect(pathsAndCodes(errors)).toEqual([['engine.http_admin.auth.bearer_token', 'InvalidValue']]);
      expect(JSON.stringify(errors)).not.toContain(SECRET);
    }
  });
});

describe('validation messages under secret keys', () => {
  // joi's own pattern message quotes the value; node schemas use joi's messages too.
  const schema = Joi.object({
    endpoint: Joi.string().pattern(/^https:/),
    headers: Joi.object({ authorization: Joi.string().pattern(/^Bearer /) }),
    api_key: Joi.string().pattern(/^k-/),
    credentials: Joi.object({ user: Joi.string() }),
  });

  it('replace a message that would quote a secret, and keep the others', () => {
    const result = validateWithJoi(
      schema,
      { endpoint: 'http://plain', headers: { authorization: `Token ${SECRET}` }, api_key: SECRET, credentials: { user: 5 } },
      ['groups', 'g', 'pipelines', 'p', 'nodes', 'out', 'config'],
    );
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(JSON.stringify(errors)).not.toContain(SECRET);
    const byPath = Object.fromEntries(errors.map((e) => [e.path.replace('groups.g.pipelines.p.nodes.out.config.', ''), e.message]));
    expect(byPath.endpoint).toContain('http://plain');
    expect(byPath['headers.authorization']).toMatch(/headers\.authorization is not valid \(string\.pattern\.base\); its value is not shown/);
    expect(byPath.api_key).toMatch(/is not valid/);
    expect(byPath['credentials.user']).toBe('"user" must be a string');
  });
});
