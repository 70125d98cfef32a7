// The one writer of the state file. Every change goes through update(): applied to the state in memory at once, then
// written atomically (atomic-file.ts); writes never overlap, and changes that arrive while one is under way are written
// together by the next. Each update resolves once a write that includes it has reached the disk, or has failed.
import { access, chmod, constants, mkdir, stat } from 'node:fs/promises';
import { removeLeftoverTemporaries, writeFileAtomic } from './atomic-file.js';
import { readStateFile, serializeState, stateFilePath, STATE_FILE_NAME, type PersistedState } from './persisted-state.js';

export type WriteOutcome = { ok: true } | { ok: false; error: string };

export type StoreOpening =
  | { kind: 'opened'; store: StateStore; found: PersistedState | undefined; removedTemporaries: string[] }
  | { kind: 'error'; message: string };

/** Opens (creating it, mode 0700) the state dir, refusing one it cannot write; reads its state unless `reset`. */
export async function openStateStore(dir: string, options: { reset: boolean }): Promise<StoreOpening> {
  const file = stateFilePath(dir);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const info = await stat(dir);
    if (!info.isDirectory()) return { kind: 'error', message: `state dir ${dir} is not a directory` };
    // Only the engine's user may read what is committed (a config may hold literal credentials).
    if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
    await access(dir, constants.W_OK);
  } catch (error) {
    return { kind: 'error', message: `state dir ${dir} cannot be used: ${(error as Error).message} (it must be a directory the engine's user can write)` };
  }
  let removedTemporaries: string[];
  try {
    removedTemporaries = await removeLeftoverTemporaries(dir, STATE_FILE_NAME);
  } catch (error) {
    return { kind: 'error', message: `state dir ${dir} cannot be cleaned of temporary files: ${(error as Error).message}` };
  }
  let found: PersistedState | undefined;
  if (!options.reset) {
    const read = await readStateFile(dir);
    if (read.kind === 'unusable') {
      return {
        kind: 'error',
        message: `state file ${file} is unusable: ${read.reason}. Start with --reset-state to run the config file instead (the state file is then overwritten)`,
      };
    }
    if (read.kind === 'found') found = read.state;
  }
  return { kind: 'opened', store: new StateStore(file), found, removedTemporaries };
}

export class StateStore {
  private state: PersistedState | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  /** A write queued behind the one under way, not started yet: later changes ride on it. */
  private queued: Promise<WriteOutcome> | null = null;
  private last: WriteOutcome = { ok: true };

  constructor(readonly file: string) {}

  /** False after a write failed, until one succeeds again. */
  get healthy(): boolean {
    return this.last.ok;
  }

  get current(): PersistedState | undefined {
    return this.state;
  }

  /** Replaces the whole state (the one a start runs) and writes it. */
  replace(state: PersistedState): Promise<WriteOutcome> {
    this.state = structuredClone(state);
    return this.schedule();
  }

  /** Changes the state in memory and writes it. Changes before the first replace() only wait for it. */
  update(change: (state: PersistedState) => void): Promise<WriteOutcome> {
    if (this.state === undefined) throw new Error('the state store has no state yet');
    change(this.state);
    return this.schedule();
  }

  /** Writes the state again if the last write failed: a change is refused up front while the state dir cannot take it. */
  async ensureWritable(): Promise<WriteOutcome> {
    if (this.last.ok || this.state === undefined) return this.last;
    return this.schedule();
  }

  private schedule(): Promise<WriteOutcome> {
    if (this.queued) return this.queued;
    const write = this.chain.then(async (): Promise<WriteOutcome> => {
      this.queued = null;
      try {
        await writeFileAtomic(this.file, serializeState(this.state!));
        this.last = { ok: true };
      } catch (error) {
        this.last = { ok: false, error: `state file ${this.file} could not be written: ${(error as Error).message}` };
      }
      return this.last;
    });
    this.queued = write;
    this.chain = write;
    return write;
  }
}

/**
 * A command's change could not be persisted. `applied`: false when it was refused before anything changed (the state
 * dir cannot take a write now), true when it runs but the write after it failed (a restart would not run it).
 */
export class StateWriteError extends Error {
  override readonly name = 'StateWriteError';
  constructor(
    readonly applied: boolean,
    readonly reason: string,
  ) {
    super(
      applied
        ? `the change was applied and runs, but it could not be persisted (a restart would not keep it): ${reason}`
        : `the change was refused, nothing changed: the state dir cannot be written: ${reason}`,
    );
  }
}
