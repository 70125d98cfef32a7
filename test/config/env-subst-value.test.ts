// ${env:…} in configs that arrive as JSON (admin API bodies) means what it means in a config file.
import { describe, expect, it } from 'vitest';
import { substituteEnvInValue } from '../../src/config/env-subst-value.js';

describe('substituteEnvInValue', () => {
  const env = { ADDR: '127.0.0.1:4999', RATE: '25' };

  it('substitutes strings, with defaults, and lets a variable supply a number', () => {
    const result = substituteEnvInValue(
      { nodes: { in: { config: { listening_addr: '${env:ADDR}', rate: '${env:RATE}', other: '${env:NOPE:-fallback}' } } } },
      'groups.g.pipelines.p',
      env,
    );
    expect(result).toEqual({ ok: true, value: { nodes: { in: { config: { listening_addr: '127.0.0.1:4999', rate: 25, other: 'fallback' } } } } });
  });

  it('reports an unset variable at its path under the prefix', () => {
    const result = substituteEnvInValue({ nodes: { out: { config: { endpoint: '${env:MISSING}' } } } }, 'groups.g.pipelines.p', env);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([expect.objectContaining({ path: 'groups.g.pipelines.p.nodes.out.config.endpoint', code: 'EnvVarUnset' })]);
  });

  it('leaves a value without references untouched', () => {
    const value = { a: [1, 'x', { b: true }] };
    expect(substituteEnvInValue(value, '', env)).toEqual({ ok: true, value });
  });
});
