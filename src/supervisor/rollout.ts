// The rollout executor (DESIGN.md §4): core by core, health-gated. The old generation keeps serving until a new
// instance is ready on its core; a failure stops the rollout and rolls back the cores already switched,
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

/** A core's new instance, started (ready) and not switched yet. */
interface Started {
  core: number;
  incoming: InstanceProcess;
}

/** How a rollout's cores went: what was switched, what was started and not switched, and why it stopped (if it did). */
interface Progress {
  switched: Switched[];
  /** Started when the rollout failed, never switched: their cores kept the old instance all along. */
  abandoned: Started[];
  /** Old instances draining in the background: the rollout ends when the last one has. */
  drains: Promise<void>[];
  failure: string | null;
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
  const progress: Progress = { switched: [], abandoned: [], drains: [], failure: null };
  const starting = plan.cores.filter((s) => s.step === 'start' || s.step === 'replace').map((s) => s.coreId);
  // A create has nothing serving to protect, so its cores start together; everything else goes core by core.
  if (plan.action === 'create') await startTogether(job, starting, progress);
  else await rollInOrder(job, starting, progress);
  if (progress.failure === null) {
    for (const step of plan.cores.filter((s) => s.step === 'drain')) {
      const previous = runner.release(step.coreId);
      record.moveCore(step.coreId, 'drain_old');
      progress.drains.push(retireInBackground(job, step.coreId, previous));
    }
  }
  await Promise.all(progress.drains);
  if (progress.failure !== null) {
    await rollBack(job, progress, progress.failure);
    return false;
  }
  runner.commit(job.candidate, job.targetGeneration);
  runner.releaseListeners();
  record.move('succeed');
  return true;
}

/** A create: every core's instance starts at once, and each is cut over as soon as it passed its health gate. */
async function startTogether(job: RolloutJob, cores: number[], progress: Progress): Promise<void> {
  const results = await Promise.allSettled(
    cores.map(async (core) => {
      const incoming = await launchCore(job, core);
      progress.switched.push(cutOverCore(job, core, incoming, progress));
    }),
  );
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) progress.failure = (failure.reason as Error).message;
}

/**
 * A replace or resize, core by core: the cutovers keep the cores' order and each waits for the core before it to pass
 * its health gate. A core's new instance starts as soon as the one before it is ready, so its start overlaps that
 * one's stabilisation window; old instances drain in the background. Two cores cost one start and two gates in a row,
 * not two of each and two drains.
 */
async function rollInOrder(job: RolloutJob, cores: number[], progress: Progress): Promise<void> {
  let next = cores.length > 0 ? new Start(job, cores[0]!) : null;
  for (let i = 0; next !== null; i++) {
    const started = await next.settled;
    if ('failure' in started) {
      progress.failure = started.failure;
      return;
    }
    next = i + 1 < cores.length ? new Start(job, cores[i + 1]!) : null;
    const gateFailure = await gateCore(job, started.core, started.incoming);
    // A later core that failed already stops the rollout before this one is switched: its old instance never stops.
    const laterFailure = next?.result !== undefined && 'failure' in next.result ? next.result.failure : null;
    if (gateFailure !== null || laterFailure !== null) {
      if (gateFailure === null) progress.abandoned.push(started);
      const after = await next?.settled;
      if (after && 'incoming' in after) progress.abandoned.push(after);
      progress.failure = gateFailure ?? laterFailure;
      return;
    }
    progress.switched.push(cutOverCore(job, started.core, started.incoming, progress));
  }
}

type StartResult = Started | { core: number; failure: string };

/** The start (to ready) of one core's new instance, whose outcome can be read without waiting once it is settled. */
class Start {
  result: StartResult | undefined;
  readonly settled: Promise<StartResult>;

  constructor(job: RolloutJob, core: number) {
    this.settled = startCore(job, core).then((result) => (this.result = result));
  }
}

/** start new → ready. Never rejects: a failure is the core's, in the record, and returned. */
async function startCore(job: RolloutJob, core: number): Promise<StartResult> {
  job.record.moveCore(core, 'launch');
  try {
    return { core, incoming: await job.runner.startInstance(core, job.candidate, job.targetGeneration, job.stepTimeoutMs) };
  } catch (error) {
    job.record.moveCore(core, 'fail', (error as Error).message);
    return { core, failure: `core ${core}: ${(error as Error).message}` };
  }
}

/** The stabilisation window of a started instance; null when it passed (the core is `ready`), else the failure. */
async function gateCore(job: RolloutJob, core: number, incoming: InstanceProcess): Promise<string | null> {
  try {
    await job.runner.gate(incoming);
  } catch (error) {
    job.record.moveCore(core, 'fail', (error as Error).message);
    return `core ${core}: ${(error as Error).message}`;
  }
  job.record.moveCore(core, 'ready');
  return null;
}

/** start new → ready → health gate, for a create; rejects with the core's failure. */
async function launchCore(job: RolloutJob, core: number): Promise<InstanceProcess> {
  const started = await startCore(job, core);
  if ('failure' in started) throw new Error(started.failure);
  const gateFailure = await gateCore(job, core, started.incoming);
  if (gateFailure !== null) throw new Error(gateFailure);
  return started.incoming;
}

/** cutover → the old instance drains in the background → retired. */
function cutOverCore(job: RolloutJob, core: number, incoming: InstanceProcess, progress: Progress): Switched {
  const previous = job.runner.cutOver(core, incoming);
  job.record.moveCore(core, 'switch');
  if (previous) job.record.moveCore(core, 'drain_old');
  progress.drains.push(retireInBackground(job, core, previous));
  return { core, incoming, previous };
}

async function retireInBackground(job: RolloutJob, core: number, previous: InstanceProcess | null): Promise<void> {
  const exit = previous ? await job.runner.retire(previous, Date.now() + job.drainTimeoutMs) : undefined;
  job.record.moveCore(core, 'retire', exit && drainDetail(exit, job.drainTimeoutMs));
}

/**
 * The old generation serves again on every core already switched; new instances are drained away. A core whose new
 * instance was started but not switched has served the old generation all along: only the new instance goes.
 */
async function rollBack(job: RolloutJob, progress: Progress, reason: string): Promise<void> {
  const { record, runner } = job;
  record.move('roll_back', reason);
  runner.logger.warn({ rolloutId: record.status.rolloutId, reason }, 'rollout failed: rolling back');
  let rollbackFailed = false;
  for (const unused of progress.abandoned) {
    record.moveCore(unused.core, 'roll_back');
    const exit = await runner.retire(unused.incoming, Date.now() + job.drainTimeoutMs);
    runner.dropEmptySlots();
    record.moveCore(unused.core, 'rolled_back', drainDetail(exit, job.drainTimeoutMs)?.replace('the old instance', 'the new instance'));
  }
  for (const done of [...progress.switched].reverse()) {
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
