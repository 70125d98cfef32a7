// `tcp_nodelay` and `tcp_keepalive` on a connection the supervisor accepted and handed over: the instance sets them
// on its own handle of the socket, as upstream sets them on each accepted socket.
import type { Socket } from 'node:net';
import { parseDuration } from '../../../config/duration.js';

export interface SocketOptions {
  noDelay: boolean;
  /** Idle time before the first keepalive probe; undefined turns keepalive off. */
  keepAliveMs: number | undefined;
}

export function socketOptions(settings: { tcp_nodelay: boolean; tcp_keepalive: string | null }): SocketOptions {
  return {
    noDelay: settings.tcp_nodelay,
    keepAliveMs: settings.tcp_keepalive === null ? undefined : parseDuration(settings.tcp_keepalive),
  };
}

export function applySocketOptions(socket: Socket, options: SocketOptions): void {
  socket.setNoDelay(options.noDelay);
  if (options.keepAliveMs === undefined) socket.setKeepAlive(false);
  else socket.setKeepAlive(true, options.keepAliveMs);
}
