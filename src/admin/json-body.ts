// Body parsing for the routes that take one. Mounted per route, not app-wide, so that a body sent to a route without
// one is never read into memory and a wrong method still answers 405.
import express, { type RequestHandler } from 'express';
import { ApiError } from './errors.js';

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

// type-is counts `Content-Length: 0` as a body; an empty body is "no body" here, so that it is reported as a missing
// body (400) rather than as a wrong media type (415).
export function carriesBody(headers: NodeJS.Dict<string | string[]>): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = Number(headers['content-length']);
  return Number.isFinite(length) && length > 0;
}

/**
 * Refuses non-JSON bodies with 415 (express.json would silently skip them and the route would see no body), then
 * parses with the size limit. Parse failures reach the error handler, which maps them to registry codes.
 */
export function jsonBody(limitBytes: number): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    if (carriesBody(req.headers) && req.is('application/json') !== 'application/json') {
      return next(
        new ApiError('UnsupportedMediaType', 'the request body must be application/json', {
          contentType: req.headers['content-type'] ?? null,
          accepted: ['application/json'],
        }),
      );
    }
    next();
  };
  const parse = express.json({ limit: limitBytes, strict: true, type: 'application/json' });
  return [requireJson, parse];
}
