// Upstream's per-pipeline probes: plain text `OK` (200) or `NOT OK` (livez 500, readyz 503); a pipeline that does not
// exist is NOT OK, as upstream answers. Live and ready are judged by the pipeline's health policy (live_if/live_quorum,
// ready_if/ready_quorum), as upstream judges them.
import type { Router } from 'express';
import type { AdminBackend, PipelineProbe } from '../../state/commands.js';
import { idParam } from '../path-params.js';
import { resource } from '../resource.js';

const FAILED_STATUS: Record<PipelineProbe, number> = { livez: 500, readyz: 503 };

export function registerPipelineProbes(router: Router, backend: AdminBackend): void {
  for (const probe of ['livez', 'readyz'] as const) {
    resource(router, `/groups/:group/pipelines/:pipeline/${probe}`, {
      get: (req, res) => {
        const ok = backend.pipelineProbe(idParam(req, 'group'), idParam(req, 'pipeline'), probe);
        res.status(ok ? 200 : FAILED_STATUS[probe]).type('text/plain; charset=utf-8').send(ok ? 'OK' : 'NOT OK');
      },
    });
  }
}
