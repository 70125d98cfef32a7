// The shutdown executor: a pipeline stops accepting, then every instance drains within one deadline. Its record follows
// the operation and each core as state/shutdown-lifecycle.ts allows; the pipeline's own lifecycle is the runner's.
import type { ShutdownRecord } from './operation-records.js';
import type { PipelineRunner } from './pipeline-runner.js';

export interface ShutdownJob {
  runner: PipelineRunner;
  record: ShutdownRecord;
  drainTimeoutSecs: number;
}

/**
 * Runs the job to its end. Everything up to the drain's first wait happens before it returns its promise, so the record
 * a caller answers with at once already says which cores were asked to drain.
 */
export async function runShutdown(job: ShutdownJob): Promise<void> {
  const { runner, record, drainTimeoutSecs } = job;
  record.move('begin');
  for (const core of runner.cores()) if (core.serving) record.addCore(core.core, core.serving.generation);
  const results = await runner.drain(Date.now() + drainTimeoutSecs * 1000);
  record.finish(results, drainTimeoutSecs);
}
