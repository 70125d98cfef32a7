// Extensions in a pipeline config: types resolved against the extension catalog, configs checked by their own
// schemas (with defaults), and every node capability checked at the node's path.
import { describe, expect, it } from 'vitest';
import { redactSecrets, REDACTED } from '../../src/util/redact.js';
import { doc, errorsOf, P, pathsAndCodes, pipeline, validOf, type Doc } from './helpers.js';

const HTTP_OUT = { type: 'exporter:otlp_http', config: { endpoint: 'http://127.0.0.1:4318' } };
const GRPC_OUT = { type: 'exporter:otlp_grpc', config: { grpc_endpoint: 'http://127.0.0.1:4317' } };
const OTLP_IN = { type: 'receiver:otlp', config: { protocols: { http: { listening_addr: '127.0.0.1:0' } } } };
const OAUTH = {
  type: 'extension:oauth2_client_credentials',
  config: { token_url: 'http://127.0.0.1:9/token', client_id: 'engine', client_secret: 's3cr3t' },
};

/** One pipeline: `in` → `out` (plus `out2`), with the given extensions and per-node capabilities. */
function withExtensions(extensions: Doc, caps: { in?: Doc; out?: Doc; out2?: Doc } = {}, out: Doc = HTTP_OUT): Doc {
  const node = (base: Doc, capabilities?: Doc) => (capabilities ? { ...base, capabilities } : base);
  return doc({
    main: pipeline({
      extensions,
      nodes: { in: node(OTLP_IN, caps.in), out: node(out, caps.out), out2: node(GRPC_OUT, caps.out2) },
      connections: [{ from: 'in', to: ['out', 'out2'] }],
    }),
  });
}

describe('extension types and configs', () => {
  it('resolves every built-in type, in either URN spelling, and applies its defaults', () => {
    const result = validOf(
      withExtensions({
        a: { type: 'extension:static_bearer_token', config: { token: 't' } },
        b: { type: 'urn:otel:file_bearer_token:extension', config: { path: '/var/run/token' } },
        c: OAUTH,
        d: { type: 'extension:bearer_token_authorizer', config: { tokens: ['x'] } },
        e: { type: 'urn:otel:extension:basic_auth', config: { file: '/etc/otap/htpasswd' } },
      }),
    );
    const byName = Object.fromEntries(result.pipelines[0]!.extensions.map((e) => [e.name, e]));
    expect(Object.values(byName).map((e) => e.urn)).toEqual([
      'urn:otel:extension:static_bearer_token',
      'urn:otel:extension:file_bearer_token',
      'urn:otel:extension:oauth2_client_credentials',
      'urn:otel:extension:bearer_token_authorizer',
      'urn:otel:extension:basic_auth',
    ]);
    expect(byName.b?.config).toEqual({ path: '/var/run/token', recheck_interval: '0ms' });
    expect(byName.c?.config).toMatchObject({
      scopes: [],
      client_auth: 'basic',
      expiry_buffer: '60000ms',
      start_timeout: '10000ms',
      retry: { initial_backoff: '250ms', max_backoff: '30000ms' },
    });
    expect(byName.e?.config).toEqual({ file: '/etc/otap/htpasswd', realm: 'otap-engine', reload_interval: '1000ms' });
  });

  it('names the known types for an unknown one', () => {
    const [error] = errorsOf(withExtensions({ x: { type: 'extension:kerberos' } }));
    expect(error).toMatchObject({ path: `${P}.extensions.x.type`, code: 'UnknownExtensionType' });
    expect(error?.message).toContain('urn:otel:extension:oauth2_client_credentials');
  });

  it('checks each config with its own schema, at its full path', () => {
    const errors = errorsOf(
      withExtensions({
        s: { type: 'extension:static_bearer_token', config: {} },
        o: { type: OAUTH.type, config: { ...OAUTH.config, token_url: 'ftp://x', extra: 1 } },
        z: { type: 'extension:bearer_token_authorizer', config: { realm: 'r' } },
      }),
    );
    expect(pathsAndCodes(errors)).toEqual([
      [`${P}.extensions.o.config.extra`, 'UnknownField'],
      [`${P}.extensions.o.config.token_url`, 'InvalidValue'],
      [`${P}.extensions.s.config.token`, 'MissingField'],
      [`${P}.extensions.z.config`, 'InvalidValue'],
    ]);
  });

  it('never quotes a secret in an error message', () => {
    const errors = errorsOf(withExtensions({ s: { type: 'extension:static_bearer_token', config: { token: 'has space-s3cr3t' } } }));
    expect(pathsAndCodes(errors)).toEqual([[`${P}.extensions.s.config.token`, 'InvalidValue']]);
    expect(JSON.stringify(errors)).not.toContain('s3cr3t');
  });
});

describe('node capabilities', () => {
  const token = { type: 'extension:static_bearer_token', config: { token: 't' } };
  const authz = { type: 'extension:bearer_token_authorizer', config: { tokens: ['t'] } };

  it('accepts providers on exporters and authorizers on the OTLP receiver', () => {
    const result = validOf(
      withExtensions({ token, authz }, { in: { bearer_token_authorizer: 'authz' }, out: { bearer_token_provider: 'token' }, out2: { bearer_token_provider: 'token' } }),
    );
    const nodes = Object.fromEntries(result.pipelines[0]!.nodes.map((n) => [n.name, n.capabilities]));
    expect(nodes).toEqual({ in: { bearer_token_authorizer: 'authz' }, out: { bearer_token_provider: 'token' }, out2: { bearer_token_provider: 'token' } });
  });

  it('reports an undeclared extension (ExtensionNotFound) with the node path', () => {
    const [error] = errorsOf(withExtensions({ token }, { out: { bearer_token_provider: 'tokn' } }));
    expect(error).toMatchObject({ path: `${P}.nodes.out.capabilities.bearer_token_provider`, code: 'ExtensionNotFound' });
    expect(error?.message).toContain('(declared: token)');
  });

  it('reports an extension that does not offer the capability (CapabilityNotImplemented)', () => {
    const [error] = errorsOf(withExtensions({ authz }, { out: { bearer_token_provider: 'authz' } }));
    expect(error).toMatchObject({ path: `${P}.nodes.out.capabilities.bearer_token_provider`, code: 'CapabilityNotImplemented' });
    expect(error?.message).toContain('offers bearer_token_authorizer');
  });

  it('reports a capability the node type does not use (CapabilityNotAccepted)', () => {
    const errors = errorsOf(
      withExtensions(
        { token, authz },
        { in: { bearer_token_provider: 'token' }, out: { bearer_token_authorizer: 'authz' }, out2: { telepathy: 'token' } },
        { type: 'exporter:noop' },
      ),
    );
    expect(pathsAndCodes(errors)).toEqual([
      [`${P}.nodes.in.capabilities.bearer_token_provider`, 'CapabilityNotAccepted'],
      [`${P}.nodes.out2.capabilities.telepathy`, 'CapabilityNotAccepted'],
      [`${P}.nodes.out.capabilities.bearer_token_authorizer`, 'CapabilityNotAccepted'],
    ]);
    expect(errors[1]?.message).toBe('urn:otel:exporter:otlp_grpc does not use capability telepathy (not a known capability); it uses bearer_token_provider');
    expect(errors[2]?.message).toBe('urn:otel:exporter:noop does not use capability bearer_token_authorizer; it uses none');
  });

  it('does not pile a capability error on an extension whose own type is wrong', () => {
    const errors = errorsOf(withExtensions({ token: { type: 'extension:nope' } }, { out: { bearer_token_provider: 'token' } }));
    expect(pathsAndCodes(errors)).toEqual([[`${P}.extensions.token.type`, 'UnknownExtensionType']]);
  });
});

describe('extensions in the effective config', () => {
  const hashOf = (extensions: Doc) =>
    validOf(withExtensions(extensions, { out: { bearer_token_provider: 'token' } })).pipelines[0]!.hash;

  it('are part of the hash: a changed extension config is a changed pipeline, a respelled one is not', () => {
    const base = hashOf({ token: { type: 'extension:static_bearer_token', config: { token: 'a' } } });
    expect(hashOf({ token: { type: 'urn:otel:static_bearer_token:extension', config: { token: 'a' } } })).toBe(base);
    expect(hashOf({ token: { type: 'extension:static_bearer_token', config: { token: 'b' } } })).not.toBe(base);
    const oauth = hashOf({ token: OAUTH });
    expect(hashOf({ token: { ...OAUTH, config: { ...OAUTH.config, expiry_buffer: '1m', client_auth: 'basic' } } })).toBe(oauth);
  });

  it('have their secrets redacted wherever the config is shown', () => {
    const result = validOf(
      withExtensions({
        token: { type: 'extension:static_bearer_token', config: { token: 'tok-s3cr3t' } },
        oauth: OAUTH,
        authz: { type: 'extension:bearer_token_authorizer', config: { tokens: ['tok-a-s3cr3t', 'tok-b-s3cr3t'] } },
      }, { out: { bearer_token_provider: 'token' } }),
    );
    const shown = redactSecrets(result.pipelines[0]!.extensions);
    expect(JSON.stringify(shown)).not.toContain('s3cr3t');
    expect(shown.find((e) => e.name === 'authz')?.config.tokens).toEqual([REDACTED, REDACTED]);
    expect(shown.find((e) => e.name === 'oauth')?.config).toMatchObject({ client_id: 'engine', client_secret: REDACTED });
  });
});
