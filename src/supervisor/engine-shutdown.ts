// `POST /groups/shutdown`, as upstream's: every pipeline of the engine drains within `timeout_secs`, after which the
// engine exits as on SIGTERM. Without `wait` the answer is `accepted` at once; with it, `completed` once everything
// drained, `timeout` when an instance had to be killed at the deadline (or the drain outlived the wait), `failed`
// when the drain could not be carried out.
import type { EngineShutdownOutcome, WaitOptions } from '../state/commands.js';
import { KILL_GRACE_SECS, waitAtMost } from './operation-lock.js';
import type { PipelineDrainResult } from './runtime-manager.js';

/** Starts the engine's shutdown with a drain deadline; resolves with how each pipeline's cores drained. */
export type StopEngine = (deadlineMs: number) => Promise<PipelineDrainResult[]>;

export async function shutdownEngine(stop: StopEngine, wait: WaitOptions): Promise<EngineShutdownOutcome> {
  const started = Date.now();
  const drained = stop(started + Math.max(1, wait.timeoutSecs) * 1000);
  if (!wait.wait) {
    // Nobody waits for the drain: its failure is the engine's to log, not an unhandled rejection.
    drained.catch(() => undefined);
    return { status: 'accepted' };
  }
  let results: PipelineDrainResult[] | undefined;
  try {
    const ended = await waitAtMost(
      drained.then((r) => (results = r)),
      Math.max(1, wait.timeoutSecs) + KILL_GRACE_SECS,
    );
    if (ended === 'timeout' || results === undefined) {
      return timeout(started, [`the shutdown did not complete within ${wait.timeoutSecs} seconds`]);
    }
  } catch (error) {
    return { status: 'failed', errors: [(error as Error).message], durationMs: Date.now() - started };
  }
  const forced = instances(results, 'forced');
  if (forced.length > 0) {
    return timeout(started, forced.map((i) => `${i} did not drain within ${wait.timeoutSecs} seconds and was killed`));
  }
  const failed = instances(results, 'failed');
  return {
    status: 'completed',
    ...(failed.length > 0 ? { errors: failed.map((i) => `${i} exited with an error while draining`) } : {}),
    durationMs: Date.now() - started,
  };
}

function timeout(started: number, errors: string[]): EngineShutdownOutcome {
  return { status: 'timeout', errors, durationMs: Date.now() - started };
}

function instances(results: PipelineDrainResult[] | undefined, state: 'forced' | 'failed'): string[] {
  return (results ?? []).flatMap(({ key, cores }) =>
    cores.filter((c) => c.state === state).map((c) => `pipeline ${key} core ${c.coreId} generation ${c.deploymentGeneration}`),
  );
}
