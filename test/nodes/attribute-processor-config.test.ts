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

  it("accepts upstream's actions and fills its defaults: apply_to [signal], hash sha256 with an empty salt", () => {
    const actions = [
      { action: 'insert', key: 'env', value: 'prod' },
      { action: 'update', key: 'version', value: 2 },
      { action: 'upsert', key: 'team', value: 'core' },
      { action: 'delete', key: 'password' },
      { action: 'rename', source_key: 'old.name', destination_key: 'new.name' },
      { action: 'hash', key: 'user.id' },
    ];
    const once = validate({ actions });
    expect(once).toEqual({
      ok: true,
      warnings: [],
      value: { actions: [...actions.slice(0, 5), { action: 'hash', key: 'user.id', algorithm: 'sha256', salt: '' }], apply_to: ['signal'] },
    });
    expect(validate({})).toEqual({ ok: true, warnings: [], value: { actions: [], apply_to: ['signal'] } });
    expect(validate({ actions, apply_to: ['resource', 'scope', 'signal'] })).toMatchObject({ ok: true });
    // An empty apply_to means the signal, as upstream reads it.
    expect(validate({ actions, apply_to: [] })).toMatchObject({ ok: true, value: { apply_to: ['signal'] } });
    expect(validate({ actions: [{ action: 'hash', key: 'k', algorithm: 'sha256', salt: 'pepper' }] })).toMatchObject({ ok: true });
  });

  it("refuses a key used by two actions, as upstream does; repeats of one action on one key merge, the last winning", () => {
    expect(refusals({ actions: [{ action: 'delete', key: 'a' }, { action: 'insert', key: 'a', value: 1 }] })).toEqual([
      expect.objectContaining({ path: 'config.actions', message: expect.stringContaining('key "a" (action 1) is already used by another action') }),
    ]);
    expect(refusals({ actions: [{ action: 'rename', source_key: 'a', destination_key: 'b' }, { action: 'hash', key: 'b' }] })[0]?.message).toMatch(/key "b"/);
    expect(refusals({ actions: [{ action: 'rename', source_key: 'a', destination_key: 'a' }] })[0]?.message).toMatch(/key "a"/);
    const merged = validate({ actions: [{ action: 'insert', key: 'a', value: 1 }, { action: 'delete', key: 'b' }, { action: 'insert', key: 'a', value: 2 }] });
    expect(merged).toMatchObject({ ok: true, value: { actions: [{ action: 'delete', key: 'b' }, { action: 'insert', key: 'a', value: 2 }] } });
  });

  it('refuses what it cannot act on: another action, another algorithm, fields of another action', () => {
    expect(refusals({ actions: [{ action: 'extract', key: 'k' }] })).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'config.actions[0].action', message: expect.stringContaining('this engine cannot act on any other action') })]),
    );
    expect(refusals({ actions: [{ action: 'hash', key: 'k', algorithm: 'md5' }] })).toEqual([expect.objectContaining({ path: 'config.actions[0].algorithm' })]);
    expect(refusals({ actions: [{ action: 'rename', key: 'a', new_key: 'b' }] }).map((e) => e.path).sort()).toEqual([
      'config.actions[0].destination_key',
      'config.actions[0].key',
      'config.actions[0].new_key',
      'config.actions[0].source_key',
    ]);
    expect(refusals({ actions: [{ action: 'delete', key: 'k', value: 1 }] })).toEqual([expect.objectContaining({ path: 'config.actions[0].value' })]);
    expect(refusals({ actions: [{ action: 'insert', key: 'k' }] })).toEqual([expect.objectContaining({ path: 'config.actions[0].value', code: 'MissingField' })]);
  });

  it('refuses values that are not a string, number or boolean, and a bad apply_to', () => {
    for (const value of [{ nested: 1 }, [1], null]) {
      expect(refusals({ actions: [{ action: 'upsert', key: 'k', value }] })).toEqual([
        expect.objectContaining({ path: 'config.actions[0].value', code: 'InvalidValue' }),
      ]);
    }
    const actions = [{ action: 'delete', key: 'k' }];
    expect(refusals({ actions, apply_to: ['record'] })).toEqual([expect.objectContaining({ path: 'config.apply_to[0]', code: 'InvalidValue' })]);
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
