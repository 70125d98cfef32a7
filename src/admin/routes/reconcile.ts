// /config/reconcile (make the engine match a whole config) and /config/reconciles/{reconcileId} (its record).
import type { Router } from 'express';
import type { ReconcileStatus } from '../../state/operations.js';
import { ApiError } from '../errors.js';
import { jsonBody } from '../json-body.js';
import { idParam } from '../path-params.js';
import { resource } from '../resource.js';
import { reconcileBodySchema, reconcileQuerySchema, validate } from '../schemas.js';
import type { RouteDeps } from './deps.js';
import { answerOperation, busyError, invalidConfigError, locations, unexpectedOutcome } from './operations.js';

function reconcileOperation(record: ReconcileStatus): { location: string; record: ReconcileStatus } {
  return { location: locations.reconcile(record.reconcileId), record };
}

export function registerReconcileRoutes(router: Router, { backend, bodyLimitBytes }: RouteDeps): void {
  resource(router, '/config/reconcile', {
    post: [
      ...jsonBody(bodyLimitBytes),
      async (req, res) => {
        const query = validate(reconcileQuerySchema, req.query, 'InvalidQueryParameter', 'query parameters');
        const wait = { wait: query.wait, ...(query.timeout_secs !== undefined ? { timeoutSecs: query.timeout_secs } : {}) };
        const request = validate(reconcileBodySchema, req.body, 'InvalidRequestBody', 'request body');
        if (query.dry_run) {
          // Validated and planned like the real thing, but nothing starts and no pipeline is locked.
          const plan = backend.planReconcile(request);
          if (plan.kind === 'invalid') throw invalidConfigError('InvalidConfig', 'the config', plan.errors);
          res.status(200).json(plan.result);
          return;
        }
        const outcome = await backend.reconcile(request, wait);
        switch (outcome.kind) {
          case 'invalid':
            throw invalidConfigError('InvalidConfig', 'the config', outcome.errors);
          case 'busy':
            throw busyError(outcome, 'a pipeline');
          case 'accepted':
          case 'succeeded':
          case 'failed':
          case 'timeout':
            answerOperation(res, outcome.kind, reconcileOperation(outcome.reconcile));
            return;
          default:
            unexpectedOutcome(outcome);
        }
      },
    ],
  });

  resource(router, '/config/reconciles/:reconcileId', {
    get: (req, res) => {
      const reconcileId = idParam(req, 'reconcileId');
      const record = backend.reconcileStatus(reconcileId);
      if (record === undefined) {
        throw new ApiError('ReconcileNotFound', `no reconcile '${reconcileId}'`, { reconcileId });
      }
      res.status(200).json(record);
    },
  });
}
