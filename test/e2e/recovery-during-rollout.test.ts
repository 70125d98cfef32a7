// A rollout that cuts a core over while recovery waits to restart the instance that crashed there: the new
// generation serves, the pending restart is called off, and the dead instance leaves the status. Found by the
// resilience suite (SIGKILL during rollouts): the restart used to start the old generation over the new one, which
// then ran on unreferenced, and the dead instance stayed listed for ever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../support/admin.js';
import { processAlive, startEngine, type RunningEngine } from '../support/engine.js';
import { childPids } from '../support/proc.js';

const spec = (rate: number) => ({
  policies: {
    resources: { core_allocation: { type: 'core_count', count: 1 } },
    // Long enough for a whole rollout to happen while the restart waits.
    runtime_recovery: { initial_backoff: '4s', max_backoff: '4s' },
  },
  nodes: { gen: { type: 'receiver:traffic_generator', config: { rate } }, out: { type: 'exporter:noop' } },
  connections: [{ from: 'gen', to: 'out' }],
});

describe('a rollout while a restart is pending', () => {
  let engine: RunningEngine;
  beforeAll(async () => {
    engine = await startEngine(JSON.stringify({ version: 'otel_dataflow/v1', groups: { default: { pipelines: { main: spec(10) } } } }));
    await engine.waitRunning();
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('serves the new generation and calls the restart off', async () => {
    const before = await engine.pipeline();
    const victim = before.instances[0]!.pid!;
    process.kill(victim, 'SIGKILL');
    await engine.waitFor(async () => (await engine.pipeline()).cores['0']?.recentEvents.some((e) => e.event === 'restart_scheduled'), 'the restart to be scheduled');

    const put = await adminClient(engine.adminUrl).put('default', 'main', spec(20));
    expect(put.body.state).toBe('succeeded');
    const generation = put.body.targetGeneration as number;

    // Past the backoff: the restart would have happened by now.
    await new Promise((r) => setTimeout(r, 5000));
    const after = await engine.pipeline();
    expect(after.instances.map((i) => [i.deploymentGeneration, i.phase])).toEqual([[generation, 'running']]);
    expect(after.activeGeneration).toBe(generation);
    expect(processAlive(victim)).toBe(false);
    expect(childPids(engine.pid)).toEqual([after.instances[0]!.pid]);
  });
});
