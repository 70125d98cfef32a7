// Exit codes of `otap-engine ctl` (docs/cli.md). Scripts branch on them, so they never change meaning.
export const EXIT = {
  /** The operation succeeded (or was accepted, without --wait/--watch), or the read answered. */
  ok: 0,
  /** The engine ran the operation and it failed: a rollout failed or was rolled back, a shutdown did not drain. */
  operationFailed: 1,
  /** Bad arguments or an unreadable input file: nothing was sent. */
  usage: 2,
  /** No answer from the admin API: unreachable, not the admin API, or a 5xx error of the engine. */
  unreachable: 3,
  /** The engine refused the request (4xx): invalid config, not found, busy, bad request, unauthorized. */
  refused: 4,
  /** Waiting ran out (504, or --timeout of a watch); the operation goes on. */
  timeout: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Ends a command with `code`; `message` goes to stderr. */
export class CtlExit extends Error {
  override readonly name = 'CtlExit';
  constructor(
    readonly code: ExitCode,
    message = '',
  ) {
    super(message);
  }
}
