// Declares one path with the methods it takes. Every other method answers 405 with an Allow header computed from the
// same declaration, so the two cannot disagree when a later issue adds PUT, POST or DELETE to a path.
import type { RequestHandler, Router } from 'express';
import { ApiError } from './errors.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One handler, or a chain (body parsing, then the handler). */
export type MethodHandlers = Partial<Record<Method, RequestHandler | RequestHandler[]>>;

const ORDER: readonly Method[] = ['get', 'post', 'put', 'patch', 'delete'];

export function allowedMethods(handlers: MethodHandlers): string[] {
  const allowed = ORDER.filter((m) => handlers[m] !== undefined).map((m) => m.toUpperCase());
  // Express answers HEAD with the GET handler; OPTIONS is answered below.
  if (handlers.get !== undefined) allowed.splice(1, 0, 'HEAD');
  allowed.push('OPTIONS');
  return allowed;
}

export function resource(router: Router, path: string, handlers: MethodHandlers): void {
  const route = router.route(path);
  const allowed = allowedMethods(handlers);
  const allow = allowed.join(', ');
  for (const method of ORDER) {
    const handler = handlers[method];
    if (handler === undefined) continue;
    route[method](...(Array.isArray(handler) ? handler : [handler]));
  }
  route.options((_req, res) => {
    res.set('Allow', allow).status(204).end();
  });
  route.all((req, _res, next) => {
    next(
      new ApiError(
        'MethodNotAllowed',
        `${req.method} is not allowed on this path`,
        { method: req.method, allowed },
        { Allow: allow },
      ),
    );
  });
}
