// One debug line per admin request. Logged on 'close' as well as 'finish' so that a client that hangs up still leaves
// a trace, but only once.
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    // Captured now: routers rewrite req.url while the request travels through them.
    const path = req.originalUrl.split('?', 1)[0] ?? req.originalUrl;
    let logged = false;
    const log = (): void => {
      if (logged) return;
      logged = true;
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      logger.debug(
        { method: req.method, path, status: res.statusCode, durationMs, completed: res.writableFinished },
        'admin request',
      );
    };
    res.once('finish', log);
    res.once('close', log);
    next();
  };
}
