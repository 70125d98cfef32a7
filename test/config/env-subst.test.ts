import { describe, expect, it } from 'vitest';
import { substituteEnv } from '../../src/config/env-subst.js';
import { envProblemsToErrors } from '../../src/config/env-errors.js';

describe('substituteEnv', () => {
  it('replaces set variables and applies defaults', () => {
    const result = substituteEnv('a: ${env:A}\nb: ${env:B:-fallback}\nc: ${env:C:-}', { A: 'one' });
    expect(result).toEqual({ ok: true, text: 'a: one\nb: fallback\nc: ' });
  });
  it('uses the default for a set but empty variable, as the shell does', () => {
    expect(substituteEnv('x: ${env:E:-d}', { E: '' })).toEqual({ ok: true, text: 'x: d' });
    expect(substituteEnv('x: "${env:E}"', { E: '' })).toEqual({ ok: true, text: 'x: ""' });
  });
  it('keeps defaults containing colons and slashes', () => {
    expect(substituteEnv('u: ${env:U:-http://127.0.0.1:45000}', {})).toEqual({ ok: true, text: 'u: http://127.0.0.1:45000' });
  });
  it('leaves $${env:X} literal and ignores other ${...}', () => {
    expect(substituteEnv('a: $${env:X}\nb: ${other}', {})).toEqual({ ok: true, text: 'a: ${env:X}\nb: ${other}' });
  });
  it('skips whole-line comments', () => {
    expect(substituteEnv('# uses ${env:NOT_SET}\na: 1', {})).toEqual({ ok: true, text: '# uses ${env:NOT_SET}\na: 1' });
  });
  it('reports every unset variable with its line and column', () => {
    const result = substituteEnv('a: 1\nb: ${env:ONE}\nc: x${env:TWO}', {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.code, p.variable, p.line, p.column])).toEqual([
      ['EnvVarUnset', 'ONE', 2, 4],
      ['EnvVarUnset', 'TWO', 3, 5],
    ]);
  });
  it('reports malformed references', () => {
    const result = substituteEnv('a: ${env:9X}\nb: ${env:}', {});
    expect(result.ok ? [] : result.problems.map((p) => p.code)).toEqual(['EnvVarSyntax', 'EnvVarSyntax']);
  });
});

describe('envProblemsToErrors', () => {
  it('places the error on the field that held the reference', () => {
    const text = 'groups:\n  g:\n    token: "Bearer ${env:TOKEN}"\n    list: [a, "${env:ITEM}"]\n';
    const result = substituteEnv(text, {});
    if (result.ok) throw new Error('expected problems');
    const errors = envProblemsToErrors(result.problems, result.markedText);
    expect(errors.map((e) => [e.path, e.code])).toEqual([
      ['groups.g.token', 'EnvVarUnset'],
      ['groups.g.list[1]', 'EnvVarUnset'],
    ]);
    expect(errors[0]?.message).toContain('TOKEN');
    expect(errors[0]?.message).toContain('line 3');
  });
  it('falls back to (root) when the text does not parse', () => {
    const result = substituteEnv('a: [${env:X}\nb', {});
    if (result.ok) throw new Error('expected problems');
    expect(envProblemsToErrors(result.problems, result.markedText)[0]?.path).toBe('(root)');
  });
});
