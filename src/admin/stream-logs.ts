// The engine's log lines as the event stream (`GET /api/v1/events`) sends them, read from the in-memory log tap: the
// newest lines to a client as it connects, then at each tick the lines that came since the last ones sent. Lines are
// what the tap retained, so they passed the logger's redaction of credentials before they got there.
import type { LogEntry, LogsPage, LogsQuery } from '../state/telemetry-types.js';

/** The data of an event `logs`: the tap is off (upstream's default), or the lines, oldest first. */
export type LogsEvent =
  | { tap: 'off' }
  | {
      tap: 'on';
      logs: LogEntry[];
      /** Lines before this sequence number were dropped from the tap before they could be sent; null when none. */
      truncatedBeforeSeq: number | null;
    };

/** Lines sent to a client as it connects. */
export const LOG_LINES_ON_CONNECT = 200;
/** Lines sent at most per tick; more wait for the next tick. */
export const LOG_LINES_PER_TICK = 1000;

export interface LogFeed {
  /**
   * The newest lines, for a client that connects. `first`: no other client is connected, so the next tick sends what
   * comes after these; otherwise the next tick may repeat some of them (a client keeps lines by `seq`).
   */
  recent(first: boolean): LogsEvent;
  /** The lines since the last ones sent, or the tap going off; undefined when there is nothing new. */
  next(): LogsEvent | undefined;
}

export function createLogFeed(read: (query: LogsQuery) => LogsPage | undefined): LogFeed {
  /** The newest sequence number sent; lines after it are new. */
  let cursor = 0;
  let on = false;
  return {
    recent(first) {
      const page = read({ limit: LOG_LINES_ON_CONNECT });
      if (first) {
        on = page !== undefined;
        cursor = page?.newest_seq ?? 0;
      }
      return page === undefined ? { tap: 'off' } : { tap: 'on', logs: page.logs, truncatedBeforeSeq: null };
    },
    next() {
      const page = read({ after: cursor, limit: LOG_LINES_PER_TICK });
      if (page === undefined) {
        if (!on) return undefined;
        on = false;
        return { tap: 'off' };
      }
      const turnedOn = !on;
      on = true;
      if (page.logs.length === 0 && !turnedOn) return undefined;
      cursor = page.logs.at(-1)?.seq ?? cursor;
      return { tap: 'on', logs: page.logs, truncatedBeforeSeq: page.truncated_before_seq };
    },
  };
}
