// A small file (a token, a list of accepted tokens, an htpasswd file) that is replaced while the engine runs: a
// Kubernetes projected token is rotated by swapping a symlink, other tools write a temp file and rename it over. An
// fs.watch on such a file stops firing after the first rename, so the file is checked where it is used instead: its
// identity (inode, size, mtime, ctime) is read with stat() at most once per `recheckMs`, and the contents are read
// again only when that identity changed.
import { readFile, stat } from 'node:fs/promises';

export interface FileVersion<T> {
  value: T;
  /** Bumped every time the contents were read again (1 for the first read). */
  version: number;
}

export class WatchedFile<T> {
  private current: FileVersion<T> | undefined;
  private identity = '';
  private checkedAt = Number.NEGATIVE_INFINITY;
  private checking: Promise<FileVersion<T>> | undefined;

  constructor(
    readonly path: string,
    /** Turns the file's text into the value; throws with a reason when the text is unusable. */
    private readonly parse: (text: string) => T,
    private readonly recheckMs: number,
  ) {}

  /**
   * The value of the file as it is now (or as of at most `recheckMs` ago). Rejects when the file cannot be read or
   * parsed and no earlier version exists; with an earlier version, `onStale` hears the reason and that version is kept.
   */
  read(onStale?: (reason: string) => void): Promise<FileVersion<T>> {
    const current = this.current;
    if (current && performance.now() - this.checkedAt < this.recheckMs) return Promise.resolve(current);
    // Concurrent readers share one check rather than stat()ing the same file in parallel.
    this.checking ??= this.check(onStale).finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async check(onStale?: (reason: string) => void): Promise<FileVersion<T>> {
    try {
      const info = await stat(this.path, { bigint: true });
      this.checkedAt = performance.now();
      const identity = `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
      if (this.current && identity === this.identity) return this.current;
      const value = this.parse(await readFile(this.path, 'utf8'));
      this.identity = identity;
      this.current = { value, version: (this.current?.version ?? 0) + 1 };
      return this.current;
    } catch (error) {
      const reason = `${this.path}: ${(error as Error).message}`;
      if (!this.current) throw new Error(reason, { cause: error });
      onStale?.(reason);
      return this.current;
    }
  }
}
