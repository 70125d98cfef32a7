// One logger factory for both processes: JSON lines by default (journald, log shippers), pretty for a terminal.
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { PrettyOptions } from 'pino-pretty';
import { asyncConsole } from './async-console.js';
import { REDACTED } from './redact.js';

export type LogFormat = 'json' | 'pretty';

// Defence in depth: no log call passes credentials on purpose, but request headers or an auth section logged by mistake
// must not reach the journal. pino's paths are not recursive, so they name the shapes a log call could carry.
const REDACT = {
  paths: [
    'authorization',
    '*.authorization',
    'headers.authorization',
    '*.headers.authorization',
    'bearer_token',
    '*.bearer_token',
    '*.*.bearer_token',
  ],
  censor: REDACTED,
};

/**
 * `destination`: where JSON lines go instead of the console (engine.telemetry.logs.providers); it takes any format.
 * `tap`: also gets every JSON line as written, whatever the destination (the in-memory log tap).
 */
export function createLogger(options: {
  level: string;
  format: LogFormat;
  bindings?: Record<string, unknown>;
  destination?: DestinationStream;
  tap?: (line: string) => void;
}): Logger {
  const base = { pid: process.pid, ...(options.bindings ?? {}) };
  const tap = options.tap;
  const hooks = tap ? { hooks: { streamWrite: (line: string) => (tap(line), line) } } : {};
  if (options.destination) return pino({ level: options.level, base, redact: REDACT, timestamp: pino.stdTimeFunctions.isoTime, ...hooks }, options.destination);
  if (options.format === 'pretty') {
    // Colour only for a terminal: piped into a file or journald, escape codes are noise.
    return pino({ level: options.level, base, redact: REDACT, ...hooks }, prettyConsole({ colorize: process.stdout.isTTY === true }));
  }
  return pino({ level: options.level, base, redact: REDACT, timestamp: pino.stdTimeFunctions.isoTime, ...hooks }, asyncConsole());
}

/**
 * The pretty format, written like the JSON lines: formatted in the process and written to the console from the event
 * loop, so that a process settles it before it exits (async-console.ts). Not pino's transport for pino-pretty: that
 * runs a worker thread in every process (~10 MiB an instance), and a worker whose console has lost its reader holds
 * its process's exit for 10 s. pino-pretty is loaded only here: the JSON default never pays for it.
 */
function prettyConsole(options: PrettyOptions): DestinationStream {
  const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  const prettify = prettyFactory(options);
  const out = asyncConsole();
  return { write: (line: string) => void out.write(prettify(line)) };
}
