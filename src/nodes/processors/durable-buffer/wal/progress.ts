// How far delivery got in each segment of a log: per segment, the offset before which every record was delivered (or
// given up on). Kept in `progress.json` beside the segments and replaced whole (temporary file, then rename), so a
// crash leaves either the old or the new version. After a crash, records delivered since the last write are sent
// again: at-least-once. A missing or unreadable file means nothing was delivered yet.
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export const PROGRESS_FILE = 'progress.json';
const TEMPORARY = 'progress.json.tmp';

export type ProgressRead = { ok: true; delivered: Map<number, number> } | { ok: false; reason: string };

/** Reads the progress of the log in `dir`; a missing file is no progress. */
export async function readProgress(dir: string): Promise<ProgressRead> {
  let text: string;
  try {
    text = await readFile(join(dir, PROGRESS_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, delivered: new Map() };
    return { ok: false, reason: (error as Error).message };
  }
  try {
    const parsed = JSON.parse(text) as { delivered?: unknown };
    const delivered = new Map<number, number>();
    if (typeof parsed.delivered !== 'object' || parsed.delivered === null) return { ok: false, reason: 'no "delivered" object' };
    for (const [seq, offset] of Object.entries(parsed.delivered as Record<string, unknown>)) {
      if (!/^\d+$/.test(seq) || typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) return { ok: false, reason: `bad entry ${seq}` };
      delivered.set(Number(seq), offset);
    }
    return { ok: true, delivered };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

/** Replaces the progress file; `durable` also flushes it to disk (a power loss keeps it). */
export async function writeProgress(dir: string, delivered: ReadonlyMap<number, number>, durable: boolean): Promise<void> {
  const body = JSON.stringify({ delivered: Object.fromEntries([...delivered].sort(([a], [b]) => a - b)) });
  const temporary = join(dir, TEMPORARY);
  const file = await open(temporary, 'w', 0o600);
  try {
    await file.writeFile(body);
    if (durable) await file.datasync();
  } finally {
    await file.close();
  }
  await rename(temporary, join(dir, PROGRESS_FILE));
}

export async function removeProgress(dir: string): Promise<void> {
  await unlink(join(dir, PROGRESS_FILE)).catch(() => undefined);
  await unlink(join(dir, TEMPORARY)).catch(() => undefined);
}
