// Headers every admin answer carries (CONTRACT.md §3), errors and 404s included. The admin API serves live state and
// configs: nothing may be cached, sniffed into HTML, framed, or leak its URL through a referrer.
import type { RequestHandler } from 'express';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
});

/** Mounted first, so that whatever answers later (route, 404, error handler) answers with these already set. */
export function securityHeaders(): RequestHandler {
  return (_req, res, next) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    next();
  };
}
