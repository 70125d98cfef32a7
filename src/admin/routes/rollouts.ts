// /groups/{group}/pipelines/{pipeline}/rollouts/{rolloutId}: the record of one rollout (PUT or start made it).
import type { Router } from 'express';
import type { RolloutStatus } from '../../state/operations.js';
import { idParam } from '../path-params.js';
import { resource } from '../resource.js';
import type { RouteDeps } from './deps.js';
import { operationRecordHandler } from './lookup.js';
import { locations, type Operation } from './operations.js';

/** A rollout as the answers of PUT and start present it. */
export function rolloutOperation(group: string, pipeline: string, record: RolloutStatus): Operation<RolloutStatus> {
  return { location: locations.rollout(group, pipeline, record.rolloutId), record };
}

export function registerRolloutRoutes(router: Router, { backend }: RouteDeps): void {
  resource(router, '/groups/:group/pipelines/:pipeline/rollouts/:rolloutId', {
    get: operationRecordHandler(backend, { param: 'rolloutId', noun: 'rollout', code: 'RolloutNotFound' }, (g, p, id) => backend.rollout(g, p, id)),
  });
}
