// The one place where failures become HTTP answers. Everything that goes wrong in a request ends here: ApiErrors
// from routes, body-parser and router errors (mapped to registry codes), and anything unexpected (500, logged, never
// shown to the caller: internal messages can carry paths, config values or secrets).
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ApiError } from './errors.js';
import { StateWriteError } from '../state/state-store.js';

/** Errors from body-parser and router carry these (http-errors); nothing else of them is trusted. */
interface HttpLibraryError {
  type?: unknown;
  status?: unknown;
  limit?: unknown;
  length?: unknown;
  message?: unknown;
}

function fromBodyParser(err: HttpLibraryError): ApiError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      // body-parser's message is the JSON.parse reason about the caller's own bytes: useful to them, nothing of ours.
      return new ApiError('MalformedJson', 'the request body is not valid JSON', {
        reason: typeof err.message === 'string' ? err.message.slice(0, 200) : undefined,
      });
    case 'entity.too.large':
      return new ApiError('PayloadTooLarge', 'the request body is larger than the limit', {
        limitBytes: err.limit,
        lengthBytes: err.length,
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError('UnsupportedMediaType', 'unsupported charset or content encoding of the request body', {});
    case 'request.aborted':
    case 'request.size.invalid':
      return new ApiError('MalformedHttpRequest', 'the request body ended before its declared length', {});
    default:
      return undefined;
  }
}

/** Maps what we know to an ApiError; undefined means unexpected. */
export function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof StateWriteError) return new ApiError(err.applied ? 'StateNotPersisted' : 'StateNotWritable', err.message, { applied: err.applied });
  // The router throws a URIError (status 400) when a path parameter is not valid percent-encoding.
  if (err instanceof URIError) {
    return new ApiError('InvalidPathParameter', 'a path parameter is not valid percent-encoding', {});
  }
  if (typeof err === 'object' && err !== null) return fromBodyParser(err as HttpLibraryError);
  return undefined;
}

/** Last route of the app: every path no router took. Express's own 404 is HTML and must never be seen. */
export function routeNotFound(): RequestHandler {
  return (req, _res, next) => {
    // The path is echoed to help spot typos, but cut short: a 16 kB path need not come back whole.
    const path = req.path.length > 200 ? `${req.path.slice(0, 200)}…` : req.path;
    next(new ApiError('RouteNotFound', 'no admin route has this path', { method: req.method, path }));
  };
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  // Four parameters: Express tells error handlers apart by arity.
  return (err: unknown, req, res, _next) => {
    const known = toApiError(err);
    if (res.headersSent) {
      // Half an answer is already on the wire; the only honest end is to cut the connection.
      logger.error({ err, method: req.method, path: req.path }, 'admin request failed after the answer started');
      res.destroy();
      return;
    }
    const apiError = known ?? new ApiError('Internal', 'internal error', {});
    if (known === undefined) {
      logger.error({ err, method: req.method, path: req.path }, 'admin request failed unexpectedly');
    }
    // Headers set by a route before it failed (Location, Content-Type) belong to the answer that was not sent.
    for (const name of res.getHeaderNames()) {
      if (name === 'content-type' || name === 'location' || name === 'allow') res.removeHeader(name);
    }
    res.set(apiError.headers);
    res.status(apiError.status).json(apiError.toBody());
  };
}
