// HTTP/2 keepalive, the same on both sides of a gRPC connection: a PING every interval, and the session destroyed when
// its answer does not come within the timeout (or the PING fails). One PING is out at a time.
import type { Http2Session } from 'node:http2';

export interface KeepaliveSettings {
  intervalMs: number;
  /** No limit on the answer when undefined. */
  timeoutMs: number | undefined;
  /** Skips a round when false (a client with no call in flight, unless it pings while idle). */
  shouldPing?: () => boolean;
}

export function keepPinging(session: Http2Session, { intervalMs, timeoutMs, shouldPing }: KeepaliveSettings): void {
  let waiting = false;
  const timer = setInterval(() => {
    if (waiting || session.closed || session.destroyed || (shouldPing !== undefined && !shouldPing())) return;
    waiting = true;
    const deadline =
      timeoutMs === undefined ? undefined : setTimeout(() => session.destroy(new Error(`keepalive ping not answered within ${timeoutMs} ms`)), timeoutMs);
    const sent = session.ping((error) => {
      waiting = false;
      clearTimeout(deadline);
      if (error && !session.destroyed) session.destroy(error);
    });
    if (!sent) {
      waiting = false;
      clearTimeout(deadline);
    }
  }, intervalMs);
  timer.unref();
  session.once('close', () => clearInterval(timer));
}
