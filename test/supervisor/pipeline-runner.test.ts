// The pipeline runner's own lifecycle on real stand-in processes: runtime recovery per core, what the pipeline shows
// while a core restarts or after recovery gave up, and a rollout that repairs it.
import { describe, expect, it } from 'vitest';
import { CORES, eventually, harnessPerTest, otlpPipeline } from './harness.js';

const [A] = CORES as [number];
const recovery = (maxRestarts: number) => ({ runtime_recovery: { max_restarts: maxRestarts, initial_backoff: '50ms', max_backoff: '50ms', reset_after: '60s' } });

const harness = harnessPerTest();

describe('PipelineRunner', () => {
  it('boots provisioning → running, every core routed in the listener table', async () => {
    const h = harness();
    const runner = h.runner(otlpPipeline(CORES), 1);
    expect(runner.status()).toMatchObject({ desiredStatus: 'running', deploymentStatus: 'provisioning' });
    await runner.start();
    expect(runner.status()).toMatchObject({ deploymentStatus: 'running', runningCores: CORES.length });
    expect([...h.listeners.routing(runner.key).keys()]).toEqual(CORES);
  });

  it('restarts a crashed instance with the same generation, then gives the core up past max_restarts: the pipeline fails', async () => {
    const h = harness({ 1: { [A]: 'crash_later' } });
    const runner = await h.booted(otlpPipeline([A], 0, recovery(1)));
    const failed = await eventually(() => runner.status().deploymentStatus === 'failed' && runner.status());
    expect(failed.deploymentError).toMatchObject({ error_code: 'RestartLimitExceeded', details: { coreId: A } });
    expect(failed.deploymentError!.message).toMatch(new RegExp(`^core ${A}: more than 1 restarts within 60s; last failure: exited with code 70`));
    const core = failed.cores[String(A)]!;
    expect(core.phase).toEqual({ failed: 'runtime_error' });
    expect(core.conditions.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      message: expect.stringMatching(/^runtime recovery gave up: more than 1 restarts within 60s/),
    });
    const events = core.recentEvents.map((e) => ('Engine' in e ? e.Engine.event : e.Log.record.event));
    expect(events).toEqual(expect.arrayContaining(['restart_scheduled', 'gave_up']));
    expect(failed.instances).toEqual([expect.objectContaining({ deploymentGeneration: 1, restarts: 1, phase: 'failed' })]);
    expect(runner.cores()[0]!.state).toBe('gave_up');
  });

  it('is repaired by a rollout of a working generation, which clears the failure', async () => {
    const h = harness({ 1: { [A]: 'crash_later' } });
    const runner = await h.booted(otlpPipeline([A], 0, recovery(0)));
    await eventually(() => runner.status().deploymentStatus === 'failed');
    const { succeeded } = await h.rollOut(runner, otlpPipeline([A], 1, recovery(0)), 2);
    expect(succeeded).toBe(true);
    expect(runner.status()).toMatchObject({ deploymentStatus: 'running', deploymentError: null, servingGenerations: { [A]: 2 } });
    expect(runner.cores()[0]!.state).toBe('serving');
  });

  it('calls a scheduled restart off when the pipeline drains', async () => {
    const h = harness({ 1: { [A]: 'crash_later' } });
    const runner = await h.booted(otlpPipeline([A], 0, { runtime_recovery: { max_restarts: 5, initial_backoff: '1s', max_backoff: '1s', reset_after: '60s' } }));
    await eventually(() => runner.cores()[0]!.state === 'backing_off');
    await runner.drain(Date.now() + 2_000);
    expect(runner.cores()[0]!.state).toBe('vacant');
    // Past the backoff nothing was started again.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(runner.status()).toMatchObject({ deploymentStatus: 'stopped', instances: [] });
  });
});
