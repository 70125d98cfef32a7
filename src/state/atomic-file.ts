// Replacing a file so that a crash at any point leaves either the old content or the new one, never a mix: the new
// content goes to a temporary file in the same directory (same file system, so the rename is atomic), is flushed to
// disk, renamed over the old name, and the directory itself is flushed so that the rename survives a power loss.
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { syncDirectory } from '../util/sync-directory.js';

let sequence = 0;

/** The prefix every temporary file for `name` starts with: what a start that finds one left by a crash removes. */
export function temporaryPrefix(name: string): string {
  return `.${name}.tmp-`;
}

export async function writeFileAtomic(path: string, data: string, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  const temporary = join(dir, `${temporaryPrefix(basename(path))}${process.pid}-${sequence++}`);
  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    // A full disk or an I/O error leaves the old file as it was; the half-written temporary goes.
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}


/**
 * Removes the temporary files a crash between write and rename left next to `name` in `dir`: the file itself was never
 * replaced, so they hold nothing that was committed. Answers the names removed.
 */
export async function removeLeftoverTemporaries(dir: string, name: string): Promise<string[]> {
  const prefix = temporaryPrefix(name);
  const leftovers = (await readdir(dir)).filter((entry) => entry.startsWith(prefix));
  for (const entry of leftovers) await rm(join(dir, entry), { force: true });
  return leftovers;
}
