// What every ctl command works with: the client, the output mode, the two streams, and how it was invoked.
import type { AdminClient } from './client.js';

export interface CtlIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stdout is a terminal: a watch then redraws in place instead of appending. */
  isTTY: boolean;
}

export interface CtlContext {
  client: AdminClient;
  /** `-o json`: print the API's JSON as it is, for scripts. */
  json: boolean;
  io: CtlIo;
  /**
   * `otap-engine ctl` and the global options given on the command line that another ctl command needs to reach the
   * same engine (`--url`, TLS files); a token is never repeated. Options from the environment stay there.
   */
  invocation: readonly string[];
}

/** Prints one answer: its JSON with -o json, else the human view. */
export function show(ctx: CtlContext, body: unknown, human: (body: any) => string): void {
  ctx.io.stdout(`${ctx.json ? JSON.stringify(body, null, 2) : human(body)}\n`);
}

/** A word as a POSIX shell reads it back: bare when it is safe, else in single quotes. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * After starting something it does not wait for, the exact command that follows it to its end (on stderr, so that
 * stdout stays the answer; not with -o json, where a script reads the record's id). Nothing for what is over already.
 */
export function followHint(ctx: CtlContext, args: readonly string[] | undefined): void {
  if (ctx.json || args === undefined) return;
  ctx.io.stderr(`follow it: ${[...ctx.invocation, ...args, '--watch'].map(shellWord).join(' ')}\n`);
}
