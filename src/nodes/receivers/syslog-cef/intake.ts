// Where every framed message goes first, whichever transport brought it: counted, parsed and encoded as one log
// record. What goes wrong with the input is counted and logged once per episode, never thrown: an empty message is
// refused (`received_logs_invalid`), a cut one is still parsed (`received_logs_truncated`), and one without a valid
// syslog header is forwarded with its raw text as the body (`received_logs_partial`).
import type { Logger } from 'pino';
import { Episode } from '../../../pipeline/episode.js';
import { encodeLogRecord } from './encode.js';
import { parseSyslog } from './parser/parse.js';
import { isFullyParsed } from './parser/types.js';
import { logRecordFields } from './record.js';

/** Upstream caps a message at 16 KiB: longer TCP lines are cut into pieces of that size, longer datagrams cut. */
export const MAX_MESSAGE_SIZE = 16 * 1024;

/** Upstream's `receiver.syslog_cef` metric set, plus `received_logs_partial` (messages sent on with a raw body). */
export interface SyslogReceiverStats {
  received_logs_total: number;
  received_logs_forwarded: number;
  received_logs_invalid: number;
  received_logs_truncated: number;
  received_logs_forward_failed: number;
  received_logs_partial: number;
  tcp_connections_active: number;
}

export function noSyslogStats(): SyslogReceiverStats {
  return {
    received_logs_total: 0,
    received_logs_forwarded: 0,
    received_logs_invalid: 0,
    received_logs_truncated: 0,
    received_logs_forward_failed: 0,
    received_logs_partial: 0,
    tcp_connections_active: 0,
  };
}

export class SyslogIntake {
  readonly stats = noSyslogStats();
  private readonly invalid: Episode;
  private readonly truncated: Episode;
  private readonly partial: Episode;
  private readonly refused: Episode;
  private readonly failures: Episode;

  constructor(logger: Logger) {
    this.invalid = new Episode(logger, 'empty syslog messages: not forwarded');
    this.truncated = new Episode(logger, `syslog messages longer than ${MAX_MESSAGE_SIZE} bytes: cut`);
    this.partial = new Episode(logger, 'messages without a valid syslog header: forwarded with the raw text as body', 'warn');
    this.refused = new Episode(logger, 'downstream full: syslog datagrams dropped');
    this.failures = new Episode(logger, 'syslog messages that could not be turned into records (a bug): not forwarded', 'error');
  }

  /** The message's encoded log record, or undefined when it is refused. Never throws: input must not stop a socket. */
  admit(message: Buffer, truncated: boolean): Buffer | undefined {
    this.stats.received_logs_total++;
    try {
      return this.record(message, truncated);
    } catch (error) {
      this.stats.received_logs_invalid++;
      this.failures.hit(1, { err: error });
      return undefined;
    }
  }

  private record(message: Buffer, truncated: boolean): Buffer | undefined {
    if (truncated) {
      this.stats.received_logs_truncated++;
      this.truncated.hit(1, { bytes: message.length });
    } else this.truncated.end();
    const parsed = parseSyslog(message);
    if (!parsed.ok) {
      this.stats.received_logs_invalid++;
      this.invalid.hit(1);
      return undefined;
    }
    this.invalid.end();
    if (isFullyParsed(parsed.message)) this.partial.end();
    else {
      this.stats.received_logs_partial++;
      this.partial.hit(1, { format: parsed.message.format });
    }
    return encodeLogRecord(logRecordFields(parsed.message));
  }

  forwarded(items: number): void {
    this.stats.received_logs_forwarded += items;
    this.refused.end();
  }

  /** Records a batch downstream did not take (UDP drops it; TCP waits instead and never gets here when running). */
  forwardFailed(items: number, reason: string): void {
    this.stats.received_logs_forward_failed += items;
    this.refused.hit(items, { reason });
  }
}
