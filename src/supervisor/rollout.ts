// The rollout executor (DESIGN.md §4): one step at a time per core, health-gated. The old generation keeps serving
// until a new instance is ready on its core; a failure stops the rollout and rolls back the cores already switched,
// so a bad config never takes a working pipeline down. Nothing here commits config: the caller does on success. The
// rollout's own state and each core's move only as state/rollout-lifecycle.ts allows, through the record; the cutover
// is the explicit `switch` step (the runner's cutOver, which names the new instance to the listener table).
import type { EffectivePipeline } from '../config/effective.js';
import type { PipelinePlan } from '../state/operations.js';
import type { ExitInfo, InstanceProcess } from './instance-process.js';
import type { RolloutRecord } from './operation-records.js';
import type { PipelineRunner } from './pipeline-runner.js';

export interface RolloutJob {
  runner: PipelineRunner;
  candidate: EffectivePipeline;
  targetGeneration: number;
  plan: PipelinePlan;
  record: RolloutRecord;
  stepTimeoutMs: number;
  drainTimeoutMs: number;
}

interface Switched {
  core: number;
  incoming: InstanceProcess;
  /** What served the core before; null for a core the rollout added. */
  previous: InstanceProcess | null;
}

/** Runs the job to its end; resolves true when it succeeded (the caller commits), false when it was rolled back. */
export async function runRollout(job: RolloutJob): Promise<boolean> {
  const { record, plan, runner } = job;
  record.move('begin');
  for (const step of plan.cores) if (step.step !== 'keep') record.addCore(step.coreId, previousGeneration(job, step.step));
  try {
    await runner.bindListeners(job.candidate);
  } catch (error) {
    record.move('fail', `cannot listen: ${(error as Error).message}`);
    return false;
  }
  const switched: Switched[] = [];
  const starting = plan.cores.filter((s) => s.step === 'start' || s.step === 'replace').map((s) => s.coreId);
  // A create has nothing serving to protect, so its cores start together; everything else goes core by core.
  const batches = plan.action === 'create' ? [starting] : starting.map((core) => [core]);
  for (const batch of batches) {
    const results = await Promise.allSettled(batch.map((core) => switchCore(job, core)));
    for (const result of results) if (result.status === 'fulfilled') switched.push(result.value);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      await rollBack(job, switched, (failure.reason as Error).message);
      return false;
    }
  }
  for (const step of plan.cores.filter((s) => s.step === 'drain')) {
    const previous = runner.release(step.coreId);
    record.moveCore(step.coreId, 'drain_old');
    const exit = previous ? await runner.retire(previous, Date.now() + job.drainTimeoutMs) : undefined;
    record.moveCore(step.coreId, 'retire', exit && drainDetail(exit, job.drainTimeoutMs));
  }
  runner.commit(job.candidate, job.targetGeneration);
  runner.releaseListeners();
  record.move('succeed');
  return true;
}

/** start new → ready (health gate) → cutover → drain the old one → retired. */
async function switchCore(job: RolloutJob, core: number): Promise<Switched> {
  const { record, runner } = job;
  record.moveCore(core, 'launch');
  let incoming: InstanceProcess;
  try {
    incoming = await runner.launch(core, job.candidate, job.targetGeneration, job.stepTimeoutMs);
  } catch (error) {
    const reason = `core ${core}: ${(error as Error).message}`;
    record.moveCore(core, 'fail', (error as Error).message);
    throw new Error(reason);
  }
  record.moveCore(core, 'ready');
  const previous = runner.cutOver(core, incoming);
  record.moveCore(core, 'switch');
  let detail: string | undefined;
  if (previous) {
    record.moveCore(core, 'drain_old');
    detail = drainDetail(await runner.retire(previous, Date.now() + job.drainTimeoutMs), job.drainTimeoutMs);
  }
  record.moveCore(core, 'retire', detail);
  return { core, incoming, previous };
}

/** The old generation serves again on every core already switched; new instances are drained away. */
async function rollBack(job: RolloutJob, switched: Switched[], reason: string): Promise<void> {
  const { record, runner } = job;
  record.move('roll_back', reason);
  runner.logger.warn({ rolloutId: record.status.rolloutId, reason }, 'rollout failed: rolling back');
  let rollbackFailed = false;
  for (const done of [...switched].reverse()) {
    record.moveCore(done.core, 'roll_back');
    try {
      if (done.previous) {
        const restored = await runner.launch(done.core, done.previous.spec.config, done.previous.generation, job.stepTimeoutMs);
        runner.cutOver(done.core, restored);
      } else {
        runner.release(done.core);
      }
      const exit = await runner.retire(done.incoming, Date.now() + job.drainTimeoutMs);
      runner.dropEmptySlots();
      record.moveCore(done.core, 'rolled_back', drainDetail(exit, job.drainTimeoutMs)?.replace('the old instance', 'the new instance'));
    } catch (error) {
      rollbackFailed = true;
      record.moveCore(done.core, 'fail', `rollback: ${(error as Error).message}`);
    }
  }
  runner.releaseListeners();
  // A create rolled back leaves nothing of the pipeline running: to an operator it failed.
  if (rollbackFailed) record.move('rollback_failed');
  else record.move(job.plan.action === 'create' ? 'fail' : 'rollback_succeeded');
}

function previousGeneration(job: RolloutJob, step: string): number | undefined {
  return step === 'replace' || step === 'drain' ? job.runner.generation : undefined;
}

/** A drain that did not end cleanly is said in the record, not only in the log: data may have been lost with it. */
function drainDetail(exit: ExitInfo, drainTimeoutMs: number): string | undefined {
  if (exit.forced) return `the old instance did not drain within ${drainTimeoutMs / 1000}s and was killed`;
  if (exit.code !== 0) return `the old instance exited with code ${exit.code ?? '-'} signal ${exit.signal ?? '-'} while draining`;
  return undefined;
}
