// SIGTERM/SIGINT drain every pipeline and exit 0; a second one exits at once. SIGHUP re-reads the config and
// reconciles the engine to it (its default action, terminating the process, must never happen to a daemon).
import type { Logger } from 'pino';
import type { Engine } from '../supervisor/engine.js';

export function installSignalHandlers(engine: Engine, logger: Logger, drainMs: number): Promise<number> {
  return new Promise((resolve) => {
    let terminating = false;
    const onTerminate = (signal: NodeJS.Signals) => {
      if (terminating) {
        logger.warn({ signal }, 'second signal: exiting at once');
        engine.killAll();
        resolve(1);
        return;
      }
      terminating = true;
      logger.info({ signal, drainMs }, 'signal received: draining');
      engine.shutdown(Date.now() + drainMs).then(
        () => resolve(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', onTerminate);
    process.on('SIGINT', onTerminate);
    process.on('SIGHUP', () => {
      logger.info({ signal: 'SIGHUP' }, 'signal received: reloading the configuration');
      void engine.reload();
    });
  });
}
