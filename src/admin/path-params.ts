// Validation of the ids in admin paths. Registered with router.param so that no handler can forget it, and so that a
// bad id is refused before any lookup in the engine.
import type { Request, Router } from 'express';
import { ApiError } from './errors.js';
import { ID_PATTERN, isValidId } from './schemas.js';

/** The path parameters that name groups and pipelines. */
export const ID_PARAMS = ['group', 'pipeline'] as const;
export type IdParam = (typeof ID_PARAMS)[number];

// Echoing a 100 kB id back would only amplify a bad request; enough of it to recognise is enough.
const MAX_ECHO = 64;

export function validateIdParams(router: Router): void {
  for (const name of ID_PARAMS) {
    router.param(name, (_req, _res, next, value: unknown) => {
      if (typeof value === 'string' && isValidId(value)) return next();
      const shown = typeof value === 'string' ? value.slice(0, MAX_ECHO) : String(value);
      next(
        new ApiError('InvalidPathParameter', `invalid ${name} id`, {
          parameter: name,
          value: shown,
          truncated: typeof value === 'string' && value.length > MAX_ECHO,
          pattern: ID_PATTERN.source,
        }),
      );
    });
  }
}

/** A validated path parameter; its absence means a route was declared without it, which is a bug. */
export function idParam(req: Request, name: IdParam): string {
  const value = req.params[name];
  if (typeof value !== 'string') throw new Error(`route ${req.route?.path ?? '?'} has no :${name} parameter`);
  return value;
}
