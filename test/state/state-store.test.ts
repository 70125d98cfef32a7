// The state file's writer on real files: atomic replacement (a crash between write and rename leaves the old file, and
// the next start removes the leftover temporary), 0600/0700 modes, serialized writes, a failed write reported and the
// store refusing until a write succeeds again, and every way a state file can be unusable named.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeLeftoverTemporaries, temporaryPrefix, writeFileAtomic } from '../../src/state/atomic-file.js';
import { emptyState, parseState, STATE_FILE_NAME } from '../../src/state/persisted-state.js';
import { openStateStore } from '../../src/state/state-store.js';

const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otap-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  }
});

const doc = (name: string) => ({ version: 'otel_dataflow/v1', groups: { [name]: { pipelines: {} } } });

describe('writeFileAtomic', () => {
  it('replaces the file whole, mode 0600, leaving no temporary behind', async () => {
    const dir = freshDir();
    const file = join(dir, 'f.json');
    writeFileSync(file, 'old');
    await writeFileAtomic(file, 'new content');
    expect(readFileSync(file, 'utf8')).toBe('new content');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['f.json']);
  });

  it('leaves the old file as it was when the write fails, and removes its temporary', async () => {
    const dir = freshDir();
    const file = join(dir, 'f.json');
    writeFileSync(file, 'old');
    // A directory where the file should be: the rename fails after the temporary was written and flushed (root too).
    rmSync(file);
    mkdirSync(file);
    writeFileSync(join(file, 'inside'), 'old');
    await expect(writeFileAtomic(file, 'new')).rejects.toThrow();
    expect(readFileSync(join(file, 'inside'), 'utf8')).toBe('old');
    expect(readdirSync(dir).filter((n) => n.startsWith(temporaryPrefix('f.json')))).toEqual([]);
  });
});

describe('a crash between write and rename', () => {
  it('keeps the old state, and the next open removes the temporary and reads the old state', async () => {
    const dir = freshDir();
    const opened = await openStateStore(dir, { reset: false });
    if (opened.kind !== 'opened') throw new Error(opened.kind);
    expect((await opened.store.replace(emptyState(doc('before')))).ok).toBe(true);
    // What a crash after the temporary's write and before its rename leaves: a complete new file under the temporary name.
    const leftover = join(dir, `${temporaryPrefix(STATE_FILE_NAME)}12345-0`);
    writeFileSync(leftover, JSON.stringify(emptyState(doc('after'))));
    const again = await openStateStore(dir, { reset: false });
    if (again.kind !== 'opened') throw new Error(again.kind);
    expect(again.removedTemporaries).toEqual([leftover.slice(dir.length + 1)]);
    expect(Object.keys(again.found!.config.groups as object)).toEqual(['before']);
    expect(readdirSync(dir)).toEqual([STATE_FILE_NAME]);
    expect(await removeLeftoverTemporaries(dir, STATE_FILE_NAME)).toEqual([]);
  });
});

describe('StateStore', () => {
  it('creates the dir 0700 and tightens one others can read', async () => {
    const parent = freshDir();
    const dir = join(parent, 'state');
    expect((await openStateStore(dir, { reset: false })).kind).toBe('opened');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    chmodSync(dir, 0o755);
    expect((await openStateStore(dir, { reset: false })).kind).toBe('opened');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('writes every change, in order, each resolving once it is on disk', async () => {
    const dir = freshDir();
    const opened = await openStateStore(dir, { reset: false });
    if (opened.kind !== 'opened') throw new Error(opened.kind);
    const { store } = opened;
    await store.replace(emptyState(doc('g')));
    const writes = Array.from({ length: 20 }, (_, i) => store.update((s) => void s.stopped.push(`g:p${i}`)));
    const outcomes = await Promise.all(writes);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const read = parseState(readFileSync(join(dir, STATE_FILE_NAME), 'utf8'));
    expect(read.kind === 'found' && read.state.stopped).toHaveLength(20);
  });

  it('reports a failed write, then refuses until the state file can be written again', async () => {
    const dir = freshDir();
    const opened = await openStateStore(dir, { reset: false });
    if (opened.kind !== 'opened') throw new Error(opened.kind);
    const { store } = opened;
    await store.replace(emptyState(doc('g')));
    // The state file's name taken by a directory: every rename onto it fails, whoever the engine's user is.
    const file = join(dir, STATE_FILE_NAME);
    rmSync(file);
    mkdirSync(file);
    const failed = await store.update((s) => void s.stopped.push('g:p'));
    expect(failed.ok).toBe(false);
    expect(store.healthy).toBe(false);
    expect((await store.ensureWritable()).ok).toBe(false);
    rmSync(file, { recursive: true });
    expect((await store.ensureWritable()).ok).toBe(true);
    const read = parseState(readFileSync(join(dir, STATE_FILE_NAME), 'utf8'));
    expect(read.kind === 'found' && read.state.stopped).toEqual(['g:p']);
  });

  it('names a state file it cannot use, and the way out', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, STATE_FILE_NAME), '{"format": "otap-engine/state", "version": 99, "config": {"groups": {}}}');
    const opened = await openStateStore(dir, { reset: false });
    expect(opened.kind).toBe('error');
    if (opened.kind === 'error') {
      expect(opened.message).toContain(join(dir, STATE_FILE_NAME));
      expect(opened.message).toContain('version 99');
      expect(opened.message).toContain('--reset-state');
    }
    expect((await openStateStore(dir, { reset: true })).kind).toBe('opened');
  });

  it('refuses a path that is not a directory', async () => {
    const file = join(freshDir(), 'plain');
    writeFileSync(file, '');
    const opened = await openStateStore(file, { reset: false });
    expect(opened.kind === 'error' && opened.message).toContain(`state dir ${file} cannot be used`);
  });
});

describe('parseState', () => {
  it.each([
    ['not JSON', '{"format":', 'not valid JSON'],
    ['another format', '{"format":"x","version":1}', 'not an otap-engine state file'],
    ['no config', '{"format":"otap-engine/state","version":1,"stopped":[],"opamp":{}}', 'config is missing'],
    ['a bad stopped list', '{"format":"otap-engine/state","version":1,"config":{"groups":{}},"stopped":[1],"opamp":{}}', 'stopped list'],
    ['a bad opamp section', '{"format":"otap-engine/state","version":1,"config":{"groups":{}},"stopped":[],"opamp":{"a":{"instanceUid":3}}}', 'opamp section'],
  ])('refuses %s', (_what, text, reason) => {
    const read = parseState(text);
    expect(read.kind === 'unusable' && read.reason).toContain(reason);
  });
});
