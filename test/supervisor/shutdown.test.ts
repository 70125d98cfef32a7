// The shutdown executor with the real runner, on real stand-in processes: how each core's drain ends decides its
// state and the operation's.
import { describe, expect, it } from 'vitest';
import { runShutdown } from '../../src/supervisor/shutdown.js';
import { alive, ask, CORES, harnessPerTest, otlpPipeline } from './harness.js';

const [A] = CORES as [number];

const harness = harnessPerTest();

describe('runShutdown', () => {
  it('stops accepting, drains every core, and leaves the pipeline stopped with nothing running', async () => {
    const h = harness();
    const runner = await h.booted(otlpPipeline(CORES));
    const address = runner.status().listeners[0]!.address;
    const pids = runner.status().instances.map((i) => i.pid);
    const record = h.shutdownRecord();
    const done = runShutdown({ runner, record, drainTimeoutSecs: 5 });
    // Before its first wait: running, every serving core asked to drain, the pipeline shutting down.
    expect(record.status).toMatchObject({ state: 'running', cores: CORES.map((coreId) => ({ coreId, deploymentGeneration: 1, state: 'shutdown_requested' })) });
    expect(runner.status()).toMatchObject({ desiredStatus: 'stopped', deploymentStatus: 'shutting_down' });
    await done;
    expect(record.status.state).toBe('succeeded');
    expect(record.status.cores.map((c) => [c.state, c.detail])).toEqual(CORES.map(() => ['exited', 'drained']));
    expect(pids.filter(alive)).toEqual([]);
    expect(runner.status()).toMatchObject({ deploymentStatus: 'stopped', instances: [], listeners: [] });
    await expect(ask(address)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('fails when a core does not drain by the deadline: it is killed, and said so', async () => {
    const h = harness({ 1: { [A]: 'stubborn' } });
    const runner = await h.booted(otlpPipeline([A]));
    const record = h.shutdownRecord();
    await runShutdown({ runner, record, drainTimeoutSecs: 0.3 });
    expect(record.status).toMatchObject({
      state: 'failed',
      failureReason: `core ${A} did not drain within 0.3s and was killed`,
      cores: [{ coreId: A, state: 'failed', detail: 'did not drain within 0.3s and was killed' }],
    });
    expect(runner.status().deploymentStatus).toBe('stopped');
  });

  it('fails when a core exits with an error while draining', async () => {
    const h = harness({ 1: { [A]: 'drain_error' } });
    const runner = await h.booted(otlpPipeline([A]));
    const record = h.shutdownRecord();
    await runShutdown({ runner, record, drainTimeoutSecs: 5 });
    expect(record.status).toMatchObject({
      state: 'failed',
      failureReason: `core ${A} exited with an error while draining`,
      cores: [{ coreId: A, state: 'failed', detail: 'exited with an error while draining' }],
    });
  });
});
