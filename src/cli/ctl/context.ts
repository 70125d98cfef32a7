// What every ctl command works with: the client, the output mode and the two streams.
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
}

/** Prints one answer: its JSON with -o json, else the human view. */
export function show(ctx: CtlContext, body: unknown, human: (body: any) => string): void {
  ctx.io.stdout(`${ctx.json ? JSON.stringify(body, null, 2) : human(body)}\n`);
}
