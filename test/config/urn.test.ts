import { describe, expect, it } from 'vitest';
import { parseComponentUrn } from '../../src/config/urn.js';

describe('parseComponentUrn', () => {
  it.each([
    ['receiver:otlp', 'urn:otel:receiver:otlp'],
    ['urn:otel:receiver:otlp', 'urn:otel:receiver:otlp'],
    ['urn:otel:otlp:receiver', 'urn:otel:receiver:otlp'],
    ['otlp:receiver', 'urn:otel:receiver:otlp'],
    ['urn:acme:exporter:kafka', 'urn:acme:exporter:kafka'],
    ['extension:static_bearer_token', 'urn:otel:extension:static_bearer_token'],
    ['urn:otel:static_bearer_token:extension', 'urn:otel:extension:static_bearer_token'],
    // Both segments are kinds: the canonical order wins.
    ['urn:otel:receiver:exporter', 'urn:otel:receiver:exporter'],
  ])('%s → %s', (type, urn) => {
    const parsed = parseComponentUrn(type);
    expect(parsed.ok && parsed.value.urn).toBe(urn);
  });
  it('splits namespace, kind and id', () => {
    expect(parseComponentUrn('urn:otel:batch:processor')).toEqual({
      ok: true,
      value: { namespace: 'otel', kind: 'processor', id: 'batch', urn: 'urn:otel:processor:batch' },
    });
  });
  it.each(['otlp', 'urn:otel:otlp', 'a:b:c', 'urn:otel:foo:bar', 'receiver:', 'receiver:ot lp', 'urn::receiver:otlp'])(
    'refuses %j',
    (type) => {
      expect(parseComponentUrn(type).ok).toBe(false);
    },
  );
});
