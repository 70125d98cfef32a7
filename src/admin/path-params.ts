// Validation of the ids in admin paths. Registered with router.param so that no handler can forget it, and so that a
// bad id is refused before any lookup in the engine.
import type { Request, Router } from 'express';
import { ApiError } from './errors.js';
import { ID_PATTERN, OPERATION_ID_PATTERN, isValidId, isValidOperationId } from './schemas.js';

/** The path parameters that name groups and pipelines, and those that name operations of a pipeline or the engine. */
export const ID_PARAMS = ['group', 'pipeline'] as const;
export const OPERATION_ID_PARAMS = ['rolloutId', 'shutdownId', 'reconcileId'] as const;
export type IdParam = (typeof ID_PARAMS)[number] | (typeof OPERATION_ID_PARAMS)[number];

interface Rule {
  label: string;
  isValid(value: string): boolean;
  pattern: RegExp;
}

const RULES: Readonly<Record<IdParam, Rule>> = {
  group: { label: 'group id', isValid: isValidId, pattern: ID_PATTERN },
  pipeline: { label: 'pipeline id', isValid: isValidId, pattern: ID_PATTERN },
  rolloutId: { label: 'rollout id', isValid: isValidOperationId, pattern: OPERATION_ID_PATTERN },
  shutdownId: { label: 'shutdown id', isValid: isValidOperationId, pattern: OPERATION_ID_PATTERN },
  reconcileId: { label: 'reconcile id', isValid: isValidOperationId, pattern: OPERATION_ID_PATTERN },
};

// Echoing a 100 kB id back would only amplify a bad request; enough of it to recognise is enough.
const MAX_ECHO = 64;

export function validateIdParams(router: Router): void {
  for (const name of [...ID_PARAMS, ...OPERATION_ID_PARAMS]) {
    const rule = RULES[name];
    router.param(name, (_req, _res, next, value: unknown) => {
      if (typeof value === 'string' && rule.isValid(value)) return next();
      const shown = typeof value === 'string' ? value.slice(0, MAX_ECHO) : String(value);
      next(
        new ApiError('InvalidPathParameter', `invalid ${rule.label}`, {
          parameter: name,
          value: shown,
          truncated: typeof value === 'string' && value.length > MAX_ECHO,
          pattern: rule.pattern.source,
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
