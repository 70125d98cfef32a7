// A durable buffer's `path` belongs to it alone, and the engine must be able to write it: two buffers (in one pipeline
// or two) on the same directory or nested ones are refused, as is a path the engine cannot create or write when it is
// about to run the config; `--validate-and-exit` judges the file and only warns about this machine.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateEngineConfig } from '../../src/config/index.js';
import { builtinCatalog } from '../../src/nodes/catalog.js';
import { doc, errorsOf, P, pathsAndCodes, pipeline, validOf } from './helpers.js';
import { canMountTmpfs } from '../support/tmpfs.js';

const root = mkdtempSync(join(tmpdir(), 'otap-storage-paths-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const buffered = (...paths: string[]) =>
  pipeline({
    nodes: {
      gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: 100, log_weight: 1 } } },
      ...Object.fromEntries(paths.map((path, i) => [`buffer${i}`, { type: 'processor:durable_buffer', config: { path } }])),
      sink: { type: 'exporter:noop' },
    },
    connections: [
      { from: 'gen', to: paths.map((_, i) => `buffer${i}`) },
      ...paths.map((_, i) => ({ from: `buffer${i}`, to: 'sink' })),
    ],
  });

describe('durable buffer paths', () => {
  it('accepts buffers on directories of their own, existing or not', () => {
    validOf(doc({ a: buffered(join(root, 'a')), b: buffered(join(root, 'b', 'deeper')) }));
  });

  it('refuses one directory for two pipelines, naming the other on both', () => {
    const errors = errorsOf(doc({ a: buffered(join(root, 'shared')), b: buffered(join(root, 'shared')) }));
    expect(pathsAndCodes(errors)).toEqual([
      ['groups.default.pipelines.a.nodes.buffer0.config.path', 'StoragePathShared'],
      ['groups.default.pipelines.b.nodes.buffer0.config.path', 'StoragePathShared'],
    ]);
    expect(errors[0]?.message).toContain('node buffer0 of pipeline default/b');
  });

  it('refuses two buffers of one pipeline on nested directories, however the path is spelled', () => {
    const errors = errorsOf(doc({ main: buffered(join(root, 'outer'), `${root}/outer/./inner/../inner`) }));
    expect(pathsAndCodes(errors)).toEqual([
      [`${P}.nodes.buffer0.config.path`, 'StoragePathShared'],
      [`${P}.nodes.buffer1.config.path`, 'StoragePathShared'],
    ]);
  });

  it('refuses a path the engine cannot write, but only warns when judging the file alone', () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'not a directory');
    const underFile = doc({ main: buffered(join(file, 'buffer')) });
    expect(errorsOf(underFile).map((e) => [e.path, e.code, e.message])).toEqual([
      [`${P}.nodes.buffer0.config.path`, 'StoragePathUnwritable', expect.stringContaining('exists and is not a directory')],
    ]);
    const judged = validateEngineConfig(underFile, { catalog: builtinCatalog, availableCores: [0, 1], coreCheck: 'warn' });
    expect(judged.ok).toBe(true);
    expect(judged.warnings.map((w) => w.path)).toEqual([`${P}.nodes.buffer0.config.path`]);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a directory the engine user may not write', () => {
    const locked = join(root, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    expect(pathsAndCodes(errorsOf(doc({ main: buffered(join(locked, 'buffer')) })))).toEqual([[`${P}.nodes.buffer0.config.path`, 'StoragePathUnwritable']]);
  });

  it.skipIf(!canMountTmpfs())('refuses a path on a read-only file system', () => {
    const readOnly = join(root, 'read-only');
    mkdirSync(readOnly);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', readOnly]);
    try {
      expect(errorsOf(doc({ main: buffered(join(readOnly, 'buffer')) })).map((e) => [e.code, e.message])).toEqual([
        ['StoragePathUnwritable', expect.stringContaining('is on a read-only file system')],
      ]);
    } finally {
      execFileSync('umount', [readOnly]);
    }
  });
});

