// Where the debug processor's text goes: standard output, or a file it appends to (created if missing). A slow stdout
// or disk slows the processor down instead of piling text up in memory.
import { open, type FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';

export interface TextOutput {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

export class StreamOutput implements TextOutput {
  constructor(private readonly out: Writable = process.stdout) {}

  write(text: string): Promise<void> {
    if (this.out.write(text)) return Promise.resolve();
    return new Promise((resolve) => this.out.once('drain', resolve));
  }

  async close(): Promise<void> {}
}

export class FileOutput implements TextOutput {
  /** Writes in the order they were asked for. */
  private tail: Promise<void> = Promise.resolve();

  private constructor(private readonly handle: FileHandle) {}

  static async open(path: string): Promise<FileOutput> {
    try {
      return new FileOutput(await open(path, 'a', 0o600));
    } catch (error) {
      throw new Error(`processor:debug cannot open its output file ${path} for appending: ${(error as Error).message}`, { cause: error });
    }
  }

  write(text: string): Promise<void> {
    const next = this.tail.then(() => this.handle.write(text)).then(() => undefined);
    this.tail = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.handle.close();
  }
}
