// Exclusive ownership of a log directory by one process at a time. The lock is a Unix socket in Linux's abstract
// namespace, named after the directory: binding a name someone holds fails (EADDRINUSE), and the kernel frees it when
// its process dies, however it dies (kill -9 included). So there is no stale lock to detect, and no window in which two
// processes could both break one. The name covers the directory's real path; processes that share a directory must
// share a network namespace (an engine's instances always do). An `owner.json` in the directory says who holds it, for
// people looking at the disk; the socket alone decides.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const OWNER_FILE = 'owner.json';

export interface Owner {
  pid: number;
  core: number;
  generation: number;
}

export class DirLock {
  private released = false;

  private constructor(
    private readonly server: Server,
    readonly dir: string,
  ) {}

  /**
   * Takes the lock of `dir` (an absolute path; callers build it from the real path of the buffer's `path`), or
   * resolves undefined when another process holds it.
   */
  static tryAcquire(dir: string): Promise<DirLock | undefined> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') resolve(undefined);
        else reject(new Error(`cannot lock ${dir}: ${error.message}`));
      });
      server.listen(lockName(dir), () => {
        // The lock must not keep the process alive.
        server.unref();
        resolve(new DirLock(server, dir));
      });
    });
  }

  /** Records who holds the directory (informational). */
  async writeOwner(owner: Owner): Promise<void> {
    const body = JSON.stringify({ ...owner, host: hostname(), since: new Date().toISOString() });
    await writeFile(join(this.dir, OWNER_FILE), `${body}\n`, { mode: 0o600 });
  }

  /** Lets another process take the directory. Idempotent. */
  release(): Promise<void> {
    if (this.released) return Promise.resolve();
    this.released = true;
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Abstract socket names are at most 107 bytes: a hash of the path stands for it. */
function lockName(dir: string): string {
  return `\0otap-engine/durable-buffer/${createHash('sha256').update(dir).digest('hex').slice(0, 48)}`;
}
