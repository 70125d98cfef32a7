// systemd service notification (sd_notify protocol) for the supervisor: readiness, reload, stop, status text.
//
// The protocol is one datagram of `KEY=VALUE` lines on the AF_UNIX socket named by $NOTIFY_SOCKET. Node cannot open
// unix datagram sockets (dgram is UDP only), so we run systemd's own `systemd-notify` helper instead of a native addon.
//
// Facts about systemd-notify 252 (Debian 12) that shape this module, measured on such a machine:
// - Options are --ready, --status=, --pid=, --uid=, --booted, --no-block. There is no --reloading or --stopping (they
//   came later): an unknown option exits 1 and sends ERRNO=22 to the socket, which systemd would record as the
//   service's error. So every field goes as a plain KEY=VALUE argument, which every version accepts.
// - --pid=N adds MAINPID=N to the message and asks the kernel to present N as the sender. Only a process with
//   CAP_SYS_ADMIN may do that; without it (the unit grants no capabilities) the helper silently sends with its own PID.
//   That is why the unit needs NotifyAccess=all.
// - After the message the helper sends BARRIER=1 with a pipe and waits (5 s at most) until the receiver closes it.
//   That keeps its PID alive until systemd has attributed the message to the unit. Without a receiver that does so,
//   it exits 1 after 5 s ("Failed to invoke barrier") although the message itself was delivered.
// Only the supervisor (the unit's main process) may call this: MAINPID= from another process of the unit would make
// systemd treat that process as the main one.

export type NotifyResult = 'sent' | 'not_under_systemd' | { failed: string };

export interface NotifyOptions {
  /** Upper bound for one helper run; the barrier alone may take 5 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const KEY = /^[A-Z][A-Z0-9_]*$/;

// Two helpers started back to back may reach systemd in either order (READY=1 overtaking RELOADING=1 would leave the
// unit "reloading"), so messages leave one at a time, in call order.
let queue: Promise<unknown> = Promise.resolve();

/** Send fields to systemd. Does nothing outside systemd; never throws. */
export function notifySystemd(fields: Record<string, string>, options: NotifyOptions = {}): Promise<NotifyResult> {
  const socket = process.env['NOTIFY_SOCKET'];
  if (socket === undefined || socket === '') return Promise.resolve('not_under_systemd');
  const next = queue.then(() => send(fields, options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
  queue = next;
  return next;
}

async function send(fields: Record<string, string>, timeoutMs: number): Promise<NotifyResult> {
  const assignments: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (!KEY.test(key)) return { failed: `invalid notification field name ${JSON.stringify(key)}` };
    // A newline would end the assignment and smuggle in another one.
    assignments.push(`${key}=${value.replace(/[\r\n]+/g, ' ')}`);
  }
  if (assignments.length === 0) return { failed: 'no notification fields' };
  try {
    // Loaded on the first message: outside systemd the engine never needs it, and its load is ~100 ms of start-up.
    const { execa } = await import('execa');
    const result = await execa('systemd-notify', [`--pid=${process.pid}`, ...assignments], {
      reject: false,
      timeout: timeoutMs,
      stdin: 'ignore',
    });
    if (result.exitCode === 0 && !result.failed) return 'sent';
    return { failed: result.stderr.trim() || result.shortMessage || `systemd-notify exited ${result.exitCode}` };
  } catch (error) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }
}

/** CLOCK_MONOTONIC in microseconds, the clock systemd expects in MONOTONIC_USEC (libuv's hrtime reads it on Linux). */
export function monotonicUsec(): string {
  return String(process.hrtime.bigint() / 1000n);
}

const withStatus = (fields: Record<string, string>, status: string | undefined): Record<string, string> =>
  status === undefined ? fields : { ...fields, STATUS: status };

/** Start-up (or a reload) is complete: systemd marks the unit active. */
export const notifyReady = (status?: string): Promise<NotifyResult> => notifySystemd(withStatus({ READY: '1' }, status));

/**
 * A reload began; send notifyReady when it is over. Type=notify-reload (systemd 253+) requires MONOTONIC_USEC beside
 * RELOADING=1, to tell this reload from an older one; systemd 252 ignores the field.
 */
export const notifyReloading = (status?: string): Promise<NotifyResult> =>
  notifySystemd(withStatus({ RELOADING: '1', MONOTONIC_USEC: monotonicUsec() }, status));

/** The engine began to drain and stop. */
export const notifyStopping = (status?: string): Promise<NotifyResult> =>
  notifySystemd(withStatus({ STOPPING: '1' }, status));

/** Free-form status line shown by `systemctl status`. */
export const notifyStatus = (text: string): Promise<NotifyResult> => notifySystemd({ STATUS: text });
