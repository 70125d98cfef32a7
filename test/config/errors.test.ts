import { describe, expect, it } from 'vitest';
import { formatConfigErrors, formatPath, sortConfigErrors, type ConfigError } from '../../src/config/errors.js';

describe('formatPath', () => {
  it('joins keys with dots and puts indexes in brackets', () => {
    expect(formatPath(['groups', 'default', 'pipelines', 'main', 'connections', 1, 'to', 0])).toBe(
      'groups.default.pipelines.main.connections[1].to[0]',
    );
  });
  it('keeps slashes readable and quotes keys that would be ambiguous', () => {
    expect(formatPath(['nodes', 'otlp/ingest', 'type'])).toBe('nodes.otlp/ingest.type');
    expect(formatPath(['nodes', 'a.b', 'type'])).toBe('nodes["a.b"].type');
  });
  it('names the root', () => {
    expect(formatPath([])).toBe('(root)');
  });
});

describe('sortConfigErrors', () => {
  const e = (path: string, code: ConfigError['code'] = 'InvalidValue', message = 'm'): ConfigError => ({ path, code, message });
  it('orders by path with numbers compared as numbers, then code', () => {
    const sorted = sortConfigErrors([e('c[10]'), e('c[2]'), e('b', 'UnknownField'), e('b', 'Cycle'), e('a')]);
    expect(sorted.map((x) => `${x.path}/${x.code}`)).toEqual([
      'a/InvalidValue',
      'b/Cycle',
      'b/UnknownField',
      'c[2]/InvalidValue',
      'c[10]/InvalidValue',
    ]);
  });
  it('drops exact duplicates', () => {
    expect(sortConfigErrors([e('a'), e('a')])).toHaveLength(1);
  });
});

describe('formatConfigErrors', () => {
  it('gives one PATH: MESSAGE line per error', () => {
    const text = formatConfigErrors([
      { path: 'version', code: 'UnsupportedVersion', message: 'bad' },
      { path: 'groups.x', code: 'ReservedGroup', message: 'reserved' },
    ]);
    expect(text).toBe('version: bad\ngroups.x: reserved');
  });
});
