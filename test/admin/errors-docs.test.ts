// The registry and docs/admin/errors.md must agree code by code, in both directions.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiError, ERROR_REGISTRY, isErrorCode, type ErrorCode } from '../../src/admin/errors.js';

const DOC = readFileSync(new URL('../../docs/admin/errors.md', import.meta.url), 'utf8');

function documented(): Map<string, { kind: string; status: number; meaning: string }> {
  const rows = new Map<string, { kind: string; status: number; meaning: string }>();
  for (const line of DOC.split('\n')) {
    const m = /^\|\s*`([A-Za-z]+)`\s*\|\s*([a-z_]+)\s*\|\s*(\d{3})\s*\|(.*)\|\s*$/.exec(line);
    if (!m) continue;
    expect(rows.has(m[1]!), `${m[1]} documented twice`).toBe(false);
    rows.set(m[1]!, { kind: m[2]!, status: Number(m[3]), meaning: m[4]!.trim() });
  }
  return rows;
}

describe('error registry', () => {
  it('is documented in docs/admin/errors.md, and the docs name nothing else', () => {
    const docs = documented();
    const registry = Object.entries(ERROR_REGISTRY).map(([code, s]) => ({ code, kind: s.kind, status: s.status }));
    expect(registry.filter((r) => !docs.has(r.code)).map((r) => r.code), 'undocumented codes').toEqual([]);
    expect([...docs.keys()].filter((c) => !isErrorCode(c)), 'documented codes missing from the registry').toEqual([]);
    for (const r of registry) {
      const doc = docs.get(r.code)!;
      expect({ code: r.code, kind: doc.kind, status: doc.status }).toEqual(r);
      expect(doc.meaning.length, `${r.code} has no meaning`).toBeGreaterThan(10);
    }
  });

  it('has the codes the contract relies on, with their statuses', () => {
    const expected: Record<string, [string, number]> = {
      GroupNotFound: ['group_not_found', 404],
      PipelineNotFound: ['pipeline_not_found', 404],
      RolloutNotFound: ['rollout_not_found', 404],
      ShutdownNotFound: ['shutdown_not_found', 404],
      ReconcileNotFound: ['rollout_not_found', 404],
      RouteNotFound: ['invalid_request', 404],
      MethodNotAllowed: ['invalid_request', 405],
      PipelineBusy: ['conflict', 409],
      GroupExists: ['conflict', 409],
      RolloutFailed: ['conflict', 409],
      ShutdownFailed: ['conflict', 409],
      ReconcileFailed: ['conflict', 409],
      PipelineRunning: ['conflict', 409],
      InvalidPipelineConfig: ['invalid_request', 422],
      InvalidConfig: ['invalid_request', 422],
      InvalidRequestBody: ['invalid_request', 400],
      MalformedJson: ['invalid_request', 400],
      UnsupportedMediaType: ['invalid_request', 415],
      PayloadTooLarge: ['invalid_request', 413],
      InvalidQueryParameter: ['invalid_request', 400],
      InvalidPathParameter: ['invalid_request', 400],
      Unauthorized: ['unauthorized', 401],
      WaitTimeout: ['internal', 504],
      NotImplemented: ['internal', 501],
      Internal: ['internal', 500],
    };
    for (const [code, [kind, status]] of Object.entries(expected)) {
      expect(ERROR_REGISTRY[code as ErrorCode], code).toEqual({ kind, status });
    }
  });

  it('uses PascalCase codes and is frozen', () => {
    for (const code of Object.keys(ERROR_REGISTRY)) expect(code).toMatch(/^[A-Z][A-Za-z]+$/);
    expect(Object.isFrozen(ERROR_REGISTRY)).toBe(true);
    for (const entry of Object.values(ERROR_REGISTRY)) expect(Object.isFrozen(entry)).toBe(true);
  });

  it('builds ApiErrors whose kind and status come from the registry', () => {
    const err = new ApiError('PipelineBusy', 'busy', { rolloutId: 'r1' });
    expect(err).toBeInstanceOf(Error);
    expect(err.status).toBe(409);
    expect(err.toBody()).toEqual({ kind: 'conflict', error_code: 'PipelineBusy', message: 'busy', details: { rolloutId: 'r1' } });
  });
});
