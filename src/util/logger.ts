// One logger factory for both processes: JSON lines by default (journald, log shippers), pretty for a terminal.
import { pino, type Logger } from 'pino';

export type LogFormat = 'json' | 'pretty';

export function createLogger(options: { level: string; format: LogFormat; bindings?: Record<string, unknown> }): Logger {
  const base = { pid: process.pid, ...(options.bindings ?? {}) };
  if (options.format === 'pretty') {
    return pino({ level: options.level, base, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino({ level: options.level, base, timestamp: pino.stdTimeFunctions.isoTime });
}
