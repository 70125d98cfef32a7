// Follows an operation record until it is final, showing every change: on a terminal the view is redrawn in place, in
// a pipe or file each new view is appended, and with -o json each new record is one line of JSON (NDJSON).
import type { CtlContext } from './context.js';
import { fail } from './answers.js';
import { CtlExit, EXIT } from './exit-codes.js';

export interface WatchOptions {
  path: string;
  render: (record: any) => string;
  isFinal: (record: any) => boolean;
  /** What must change for the record to be shown again (default: its view); for records that change at every read. */
  changeKey?: (record: any) => string;
  /** Give up after this many seconds (exit code 5); undefined: until the record is final. */
  timeoutSecs?: number;
  intervalMs?: number;
}

const DEFAULT_INTERVAL_MS = 200;
const ERASE_DOWN = '\x1b[0J';
const up = (lines: number): string => (lines > 0 ? `\x1b[${lines}A\r` : '\r');

export async function watch(ctx: CtlContext, options: WatchOptions): Promise<any> {
  const deadline = options.timeoutSecs === undefined ? Infinity : Date.now() + options.timeoutSecs * 1000;
  let shown = '';
  let shownKey: string | undefined;
  let drawnLines = 0;
  for (;;) {
    const answer = await ctx.client.request('GET', options.path);
    if (answer.status !== 200) fail(ctx, answer);
    const record = answer.body;
    const view = ctx.json ? JSON.stringify(record) : options.render(record);
    const key = options.changeKey ? options.changeKey(record) : view;
    if (key !== shownKey) {
      shownKey = key;
      if (ctx.json || !ctx.io.isTTY) {
        ctx.io.stdout(`${shown !== '' && !ctx.json ? '\n' : ''}${view}\n`);
      } else {
        ctx.io.stdout(`${up(drawnLines)}${ERASE_DOWN}${view}\n`);
        drawnLines = view.split('\n').length;
      }
      shown = view;
    }
    if (options.isFinal(record)) return record;
    if (Date.now() >= deadline) {
      throw new CtlExit(EXIT.timeout, `${record.state === undefined ? 'not over' : `still ${record.state}`} after ${options.timeoutSecs} s; it goes on (${options.path})`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? DEFAULT_INTERVAL_MS));
  }
}

/** Ends with exit 1 unless the final record succeeded. */
export function requireSucceeded(record: any, what: string): void {
  if (record.state !== 'succeeded') {
    throw new CtlExit(EXIT.operationFailed, `${what} ended ${record.state}${record.failureReason ? `: ${record.failureReason}` : ''}`);
  }
}
