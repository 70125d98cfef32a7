// Acceptance: kill -9 of one instance is repaired on the same core after the backoff while the other core serves on;
// more crashes than `max_restarts` within the window mark the pipeline failed, and the engine and its other pipelines
// stay up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processAlive, startEngine, threadAffinities, usableCores, type RunningEngine } from '../support/engine.js';
import type { PipelineStatus } from '../../src/state/status-types.js';
import { namedEvents } from '../support/core-events.js';

const cores = usableCores().slice(0, 2);
const victimCore = cores[0]!;

const config = `
version: otel_dataflow/v1
groups:
  default:
    pipelines:
      main:
        policies:
          resources: { core_allocation: { type: core_count, count: ${cores.length} } }
          runtime_recovery: { max_restarts: 2, initial_backoff: 300ms, max_backoff: 1s, reset_after: 60s }
        nodes:
          ingest: { type: receiver:otlp, config: { protocols: { http: { listening_addr: 127.0.0.1:0 } } } }
          out: { type: exporter:noop }
        connections:
          - { from: ingest, to: out }
      other:
        policies:
          resources: { core_allocation: { type: core_count, count: 1 } }
        nodes:
          gen: { type: receiver:traffic_generator, config: { data_source: synthetic, traffic_config: { signals_per_second: 50, max_batch_size: 5, log_weight: 1 } } }
          out: { type: exporter:noop }
        connections:
          - { from: gen, to: out }
`;

function instanceOn(status: PipelineStatus, core: number) {
  return status.instances.find((i) => i.coreId === core);
}

describe('runtime recovery', () => {
  let engine: RunningEngine;
  beforeAll(async () => {
    engine = await startEngine(config);
    await engine.waitRunning('default:main');
    await engine.waitRunning('default:other');
  });
  afterAll(async () => {
    await engine?.stop();
  });

  async function killAndAwaitReplacement(attempt: number): Promise<number> {
    const before = await engine.pipeline();
    const victim = instanceOn(before, victimCore)!;
    const sibling = cores.length > 1 ? instanceOn(before, cores[1]!) : undefined;
    process.kill(victim.pid!, 'SIGKILL');
    const replaced = await engine.waitFor(async () => {
      const s = await engine.pipeline();
      if (sibling) {
        // The other core serves throughout: same pid, still running, at every look.
        const now = instanceOn(s, cores[1]!);
        expect(now?.pid).toBe(sibling.pid);
        expect(now?.phase).toBe('running');
      }
      const next = instanceOn(s, victimCore);
      return next && next.pid !== victim.pid && next.phase === 'running' ? s : undefined;
    }, `replacement #${attempt}`);
    const replacement = instanceOn(replaced, victimCore)!;
    expect(replacement.restarts).toBe(attempt);
    expect(new Set(threadAffinities(replacement.pid!))).toEqual(new Set([String(victimCore)]));
    const events = namedEvents(replaced.cores[String(victimCore)]!.recentEvents).filter((e) => e.event === 'restart_scheduled');
    expect(events.at(-1)?.message).toMatch(new RegExp(`attempt ${attempt} in \\d+ ms`));
    return replacement.pid!;
  }

  it('restarts a killed instance on the same core after the backoff', async () => {
    await killAndAwaitReplacement(1);
    await killAndAwaitReplacement(2);
    const status = await engine.pipeline();
    expect(status.deploymentStatus).toBe('running');
  });

  it('marks the pipeline failed past max_restarts while the engine and other pipelines stay up', async () => {
    const before = await engine.pipeline();
    const victim = instanceOn(before, victimCore)!;
    const otherBefore = await engine.pipeline('default:other');
    process.kill(victim.pid!, 'SIGKILL');
    const failed = await engine.waitFor(async () => {
      const s = await engine.pipeline();
      return s.deploymentStatus === 'failed' ? s : undefined;
    }, 'pipeline failed');
    expect(failed.deploymentError?.error_code).toBe('RestartLimitExceeded');
    expect(failed.deploymentError?.message).toMatch(/more than 2 restarts/);
    // Upstream's phase of a failed core carries its reason: a crash after the instance served is a runtime error.
    expect(failed.cores[String(victimCore)]!.phase).toEqual({ failed: 'runtime_error' });
    if (cores.length > 1) expect(instanceOn(failed, cores[1]!)?.phase).toBe('running');

    const other = await engine.pipeline('default:other');
    expect(other.deploymentStatus).toBe('running');
    expect(other.instances[0]!.pid).toBe(otherBefore.instances[0]!.pid);
    expect(processAlive(engine.pid)).toBe(true);

    const live = await fetch(`${engine.adminUrl}/api/v1/livez`);
    expect(live.status).toBe(500);
    expect(await live.json()).toMatchObject({
      status: 'failed',
      failing: [{ pipeline: 'default:main', condition: { type: 'Ready', status: 'False', reason: 'RestartLimitExceeded' } }],
    });
    // Upstream's per-pipeline probes, plain text: the default live_if counts a failed core as live (it is not hung), the
    // default ready quorum (100 %) is not met.
    const pipelineLive = await fetch(`${engine.adminUrl}/api/v1/groups/default/pipelines/main/livez`);
    expect([pipelineLive.status, await pipelineLive.text()]).toEqual([200, 'OK']);
    const pipelineReady = await fetch(`${engine.adminUrl}/api/v1/groups/default/pipelines/main/readyz`);
    expect([pipelineReady.status, await pipelineReady.text()]).toEqual([503, 'NOT OK']);
  });
});
