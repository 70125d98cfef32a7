// Where an instance's own log lines go, per `engine.telemetry.logs.providers` (the supervisor picks the mode: `engine`
// for pipelines, `internal` for the observability pipeline): the console (console_direct and console_async alike, in
// either format: pino writes to it from the event loop as lines come, so a slow reader never holds up the pipeline);
// the supervisor, which passes them to the observability pipeline (its); nowhere.
import type { DestinationStream } from 'pino';
import type { InstanceMessage } from '../ipc/messages.js';
import type { InstanceTelemetry } from '../ipc/telemetry.js';
import { settleConsoles } from '../util/async-console.js';
import { LogForwarder } from '../util/log-forwarder.js';

export interface LogRoute {
  /** Overrides the spec's level (noop: silent). */
  level?: string;
  destination?: DestinationStream;
  /** Resolves once every line written so far has left the process. */
  flush(): Promise<void>;
}

const NOTHING_TO_FLUSH = (): Promise<void> => Promise.resolve();

export function instanceLogRoute(
  telemetry: InstanceTelemetry | undefined,
  send: (message: InstanceMessage) => Promise<void>,
): LogRoute {
  switch (telemetry?.logs) {
    case undefined:
    case 'console_direct':
    case 'console_async':
      return { flush: settleConsoles };
    case 'noop':
      return { level: 'silent', flush: NOTHING_TO_FLUSH };
    case 'its': {
      const forwarder = new LogForwarder(telemetry.maxPendingLines, (lines, dropped) => send({ type: 'logs', lines, dropped }));
      return { destination: forwarder, flush: () => forwarder.flush() };
    }
  }
}
