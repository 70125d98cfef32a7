// process.stdout as the engine's own writers use it (exporter:console, the telemetry hub's console). Node's stdout
// emits an 'error' at the first write after its reader has gone (EPIPE: journald restarted, a `| tee` died; EIO: a
// terminal hung up), and an 'error' nobody handles crashes the process: an instance would crash on every batch it
// printed and be restarted into the same crash. So the first of them to ask for stdout handles those errors: what is
// written to a console nobody reads is lost, and nothing else. (pino writes to the descriptor itself and handles them
// on its own; see src/util/async-console.ts for what it needs at exit.)
const READER_GONE = new Set(['EPIPE', 'EIO', 'ERR_STREAM_DESTROYED']);

let guarded = false;

export function guardedStdout(): NodeJS.WriteStream {
  if (!guarded) {
    guarded = true;
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      // Anything else is what it was before: an error nobody expected, thrown.
      if (!READER_GONE.has(error.code ?? '')) throw error;
    });
  }
  return process.stdout;
}
