// What the runtime manager commits beside the config it runs, and where it goes: the config as the operator wrote it
// (`${env:…}` references kept, state/committed-source.ts), the pipelines an operator shut down, and, with a state dir,
// the writer of the state file. The manager calls commit() after every change it commits; the front ends compare
// `commits` before and after a command and wait for persisted() before they answer success.
import type { Logger } from 'pino';
import { CommittedSource } from '../state/committed-source.js';
import type { WriteOutcome } from '../state/state-store.js';

/** Where the committed state is written (the state dir's store), when the engine has one. */
export interface CommitSink {
  write(config: Record<string, unknown>, stopped: string[]): Promise<WriteOutcome>;
  /** Answers whether a change can be written now (a failed last write is tried again first). */
  ensureWritable(): Promise<WriteOutcome>;
}

const WRITTEN: WriteOutcome = { ok: true };

export class StatePersistence {
  readonly source: CommittedSource;
  /** Pipelines an operator shut down (and did not start again): they stay stopped across a restart. */
  private readonly stopped = new Set<string>();
  private count = 0;
  private last: Promise<WriteOutcome> = Promise.resolve(WRITTEN);

  constructor(
    source: Record<string, unknown>,
    private readonly sink: CommitSink | undefined,
    private readonly logger: Logger,
  ) {
    this.source = new CommittedSource(source);
  }

  /** How many changes were committed so far. */
  get commits(): number {
    return this.count;
  }

  /** Settles once the latest committed change is on disk (at once without a state dir). */
  persisted(): Promise<WriteOutcome> {
    return this.last;
  }

  /** Whether a change could be written now; always without a state dir. */
  writable(): Promise<WriteOutcome> {
    return this.sink?.ensureWritable() ?? Promise.resolve(WRITTEN);
  }

  isStopped(key: string): boolean {
    return this.stopped.has(key);
  }

  markStopped(key: string): void {
    this.stopped.add(key);
  }

  markRunning(key: string): void {
    this.stopped.delete(key);
  }

  /** Hands the committed state to the writer; `known` says which pipelines still exist. */
  commit(known: (key: string) => boolean): void {
    this.count += 1;
    if (!this.sink) return;
    const stopped = [...this.stopped].filter(known).sort();
    this.last = this.sink.write(this.source.withoutEngine(), stopped);
    void this.last.then((outcome) => {
      if (!outcome.ok) this.logger.error({ reason: outcome.error }, 'a committed change runs but is not persisted: a restart would lose it');
    });
  }
}
