// A pino logger whose lines the test can read, to check what is logged (and how often).
import { pino, type Logger } from 'pino';

export interface CapturedLogs {
  logger: Logger;
  lines: Array<Record<string, unknown> & { msg?: string; level: number }>;
  count(fragment: string): number;
}

export function captureLogs(): CapturedLogs {
  const lines: CapturedLogs['lines'] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines, count: (fragment) => lines.filter((l) => l.msg?.includes(fragment)).length };
}

export async function until(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
