// The console as both processes' loggers write it: from the event loop, so that a slow reader never holds up a pipeline
// (pino's own default). At exit, pino writes what is still buffered synchronously, and that last write retries every
// 100 ms for ever when stdout has lost its reader (EPIPE: journald restarted, a `| tee` died): a drained instance would
// never exit, and every drain and shutdown would wait for its deadline. So a process settles its consoles before it
// exits: each write in flight lands or fails with EPIPE, which pino turns into "stop writing here", and nothing is left
// for the exit to write.
import { pino, type DestinationStream } from 'pino';

const settles: Array<() => Promise<void>> = [];

export function asyncConsole(): DestinationStream {
  // With minLength 0 (pino's default) a flush calls back at once, even with lines still buffered; with 1 it writes
  // them and waits for the write to end, and every line (never shorter than one byte) is still written as soon as the
  // stream is free.
  const destination = pino.destination({ dest: 1, sync: false, minLength: 1 });
  // The callback's error (fsync of a pipe, a socket or a terminal, or the write that failed) changes nothing here.
  settles.push(() => new Promise<void>((resolve) => destination.flush(() => resolve())));
  return destination;
}

/** Resolves once every line written so far to a console of this process has been written out or has failed to be. */
export async function settleConsoles(): Promise<void> {
  await Promise.all(settles.map((settle) => settle()));
}
