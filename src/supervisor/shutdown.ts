// The shutdown executor: a pipeline stops accepting, then every instance drains within one deadline. Its record follows
// the operation and each core as state/shutdown-lifecycle.ts allows; the pipeline's own lifecycle is the runner's.
import type { CoreShutdownEvent } from '../state/shutdown-lifecycle.js';
import type { ShutdownRecord } from './operation-records.js';
import type { CoreDrainResult, PipelineRunner } from './pipeline-runner.js';

export interface ShutdownJob {
  runner: PipelineRunner;
  record: ShutdownRecord;
  drainTimeoutSecs: number;
}

const CORE_EVENT: Record<CoreDrainResult['state'], CoreShutdownEvent> = { drained: 'drain_ended', forced: 'drain_forced', failed: 'drain_failed' };

/**
 * Runs the job to its end. Everything up to the drain's first wait happens before it returns its promise, so the record
 * a caller answers with at once already says which cores are draining.
 */
export async function runShutdown(job: ShutdownJob): Promise<void> {
  const { runner, record, drainTimeoutSecs } = job;
  record.move('begin');
  for (const core of runner.cores()) if (core.serving) record.addCore(core.core, core.serving.generation);
  const results = await runner.drain(Date.now() + drainTimeoutSecs * 1000);
  for (const result of results) if (record.status.cores.some((c) => c.coreId === result.coreId)) record.moveCore(result.coreId, CORE_EVENT[result.state]);
  const forced = results.filter((r) => r.state === 'forced').map((r) => r.coreId);
  const failed = results.filter((r) => r.state === 'failed').map((r) => r.coreId);
  if (forced.length > 0) record.move('time_out', `cores ${forced.join(', ')} did not drain within ${drainTimeoutSecs}s and were killed`);
  else if (failed.length > 0) record.move('fail', `cores ${failed.join(', ')} exited with an error while draining`);
  else record.move('succeed');
}
