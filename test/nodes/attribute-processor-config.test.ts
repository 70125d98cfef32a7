// processor:attribute config: what the descriptor's joi schema accepts, fills in and refuses; and that the
// implementation side never reaches joi (instances must not load it).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateWithJoi } from '../../src/config/joi-errors.js';
import { attributeProcessor } from '../../src/nodes/processors/attribute/descriptor.js';

function validate(config: unknown) {
  return validateWithJoi<Record<string, unknown>>(attributeProcessor.configSchema, config, ['config']);
}

function refusals(config: unknown): { path: string; code: string; message: string }[] {
  const result = validate(config);
  if (result.ok) throw new Error('config was accepted');
  return result.errors.map((e) => ({ path: e.path, code: e.code, message: e.message }));
}

describe('processor:attribute config', () => {
  it('is a processor at urn:otel:processor:attribute', () => {
    expect(attributeProcessor.urn).toBe('urn:otel:processor:attribute');
    expect(attributeProcessor.kind).toBe('processor');
  });

  it('accepts every action and defaults apply_to to [record]', () => {
    const actions = [
      { action: 'insert', key: 'env', value: 'prod' },
      { action: 'update', key: 'env', value: 'staging' },
      { action: 'upsert', key: 'team', value: 'core' },
      { action: 'upsert', key: 'n', value: 3 },
      { action: 'upsert', key: 'd', value: 0.5 },
      { action: 'upsert', key: 'b', value: false },
      { action: 'upsert', key: 'empty', value: '' },
      { action: 'delete', key: 'password' },
      { action: 'rename', key: 'old.name', new_key: 'new.name' },
      { action: 'hash', key: 'user.id' },
    ];
    const once = validate({ actions });
    expect(once).toEqual({ ok: true, value: { actions, apply_to: ['record'] }, warnings: [] });
    // The effective config is canonical: validating it again changes nothing (the planner compares effective configs).
    expect(validate(once.ok && once.value)).toEqual(once);
    expect(validate({ actions, apply_to: ['resource', 'scope', 'record'] })).toMatchObject({ ok: true });
  });

  it('refuses an unknown action', () => {
    expect(refusals({ actions: [{ action: 'explode', key: 'k' }] })).toEqual([
      expect.objectContaining({ path: 'config.actions[0].action', code: 'InvalidValue' }),
    ]);
  });

  it('refuses an action without key', () => {
    expect(refusals({ actions: [{ action: 'delete' }] })).toEqual([
      expect.objectContaining({ path: 'config.actions[0].key', code: 'MissingField' }),
    ]);
  });

  it('refuses rename without new_key, and a new_key equal to key', () => {
    expect(refusals({ actions: [{ action: 'rename', key: 'a' }] })).toEqual([
      expect.objectContaining({ path: 'config.actions[0].new_key', code: 'MissingField' }),
    ]);
    expect(refusals({ actions: [{ action: 'rename', key: 'a', new_key: 'a' }] })).toEqual([
      { path: 'config.actions[0].new_key', code: 'InvalidValue', message: '"new_key" must differ from key' },
    ]);
  });

  it('refuses unknown fields, at the top and in an action', () => {
    expect(refusals({ actions: [{ action: 'delete', key: 'k' }], include: 'x' })).toEqual([
      expect.objectContaining({ path: 'config.include', code: 'UnknownField' }),
    ]);
    expect(refusals({ actions: [{ action: 'delete', key: 'k', pattern: '.*' }] })).toEqual([
      expect.objectContaining({ path: 'config.actions[0].pattern', code: 'UnknownField' }),
    ]);
  });

  it('wants a value for insert, update and upsert, and only for them; new_key only for rename', () => {
    expect(refusals({ actions: [{ action: 'insert', key: 'k' }] })).toEqual([
      expect.objectContaining({ path: 'config.actions[0].value', code: 'MissingField' }),
    ]);
    expect(refusals({ actions: [{ action: 'delete', key: 'k', value: 'v' }] })).toEqual([
      expect.objectContaining({ path: 'config.actions[0].value', message: '"value" is only allowed with insert, update and upsert' }),
    ]);
    expect(refusals({ actions: [{ action: 'hash', key: 'k', new_key: 'x' }] })).toEqual([
      expect.objectContaining({ path: 'config.actions[0].new_key', message: '"new_key" is only allowed with rename' }),
    ]);
  });

  it('refuses values that are not a string, number or boolean', () => {
    for (const value of [{ nested: 1 }, [1], null]) {
      expect(refusals({ actions: [{ action: 'upsert', key: 'k', value }] })).toEqual([
        expect.objectContaining({ path: 'config.actions[0].value', code: 'InvalidValue' }),
      ]);
    }
  });

  it('refuses a missing or empty action list, and a bad apply_to', () => {
    expect(refusals({})).toEqual([expect.objectContaining({ path: 'config.actions', code: 'MissingField' })]);
    expect(refusals({ actions: [] })).toEqual([expect.objectContaining({ path: 'config.actions', code: 'InvalidValue' })]);
    const actions = [{ action: 'delete', key: 'k' }];
    expect(refusals({ actions, apply_to: ['span'] })).toEqual([expect.objectContaining({ path: 'config.apply_to[0]', code: 'InvalidValue' })]);
    expect(refusals({ actions, apply_to: [] })).toEqual([expect.objectContaining({ path: 'config.apply_to', code: 'InvalidValue' })]);
    expect(refusals({ actions, apply_to: ['scope', 'scope'] })).toEqual([expect.objectContaining({ path: 'config.apply_to[1]', code: 'InvalidValue' })]);
  });
});

describe('processor:attribute implementation', () => {
  it('never imports joi: processor.ts and everything it imports from its folder', () => {
    const folder = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/nodes/processors/attribute');
    const seen = new Set<string>();
    const pending = ['processor.ts'];
    while (pending.length > 0) {
      const file = pending.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      const source = readFileSync(resolve(folder, file), 'utf8');
      const specifiers = [...source.matchAll(/^\s*import\s+(type\s+)?[^'"]*from\s+'([^']+)'/gm)];
      for (const [, typeOnly, specifier] of specifiers) {
        if (typeOnly) continue;
        expect(specifier, `${file} imports ${specifier}`).not.toMatch(/^joi$|descriptor\.js$|common-schemas\.js$/);
        if (specifier?.startsWith('./')) pending.push(specifier.slice(2).replace(/\.js$/, '.ts'));
      }
    }
    expect(seen.has('actions.ts')).toBe(true);
  });
});
