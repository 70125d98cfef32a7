// A rollout that cuts a core over while recovery waits to restart the instance that crashed there: the new
// generation serves, the pending restart is called off, and the dead instance leaves the status. Found by the
// resilience suite (SIGKILL during rollouts): the restart used to start the old generation over the new one, which
// then ran on unreferenced, and the dead instance stayed listed for ever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminClient } from '../support/admin.js';
import { processAlive, startEngine, usableCores, type RunningEngine } from '../support/engine.js';
import { childPids } from '../support/proc.js';
import { namedEvents } from '../support/core-events.js';

const BACKOFF_MS = 8000;
const core = String(usableCores()[0]);

const spec = (rate: number) => ({
  policies: {
    resources: { core_allocation: { type: 'core_count', count: 1 } },
    // Far longer than a rollout takes, even on a loaded machine: the cutover happens while the restart waits.
    runtime_recovery: { initial_backoff: `${BACKOFF_MS}ms`, max_backoff: `${BACKOFF_MS}ms` },
  },
  nodes: { gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: rate, log_weight: 1 } } }, out: { type: 'exporter:noop' } },
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
    const killedAt = Date.now();
    process.kill(victim, 'SIGKILL');
    await engine.waitFor(async () => namedEvents((await engine.pipeline()).cores[core]?.recentEvents).some((e) => e.event === 'restart_scheduled'), 'the restart to be scheduled');

    const put = await adminClient(engine.adminUrl).put('default', 'main', spec(20));
    expect(put.body.state).toBe('succeeded');
    // The case under test needs the cutover before the restart was due.
    expect(Date.now() - killedAt).toBeLessThan(BACKOFF_MS);
    const generation = put.body.targetGeneration as number;

    // Past the backoff: the restart would have happened by now.
    await new Promise((r) => setTimeout(r, Math.max(0, killedAt + BACKOFF_MS + 1000 - Date.now())));
    const after = await engine.pipeline();
    expect(after.instances.map((i) => [i.deploymentGeneration, i.phase])).toEqual([[generation, 'running']]);
    expect(after.activeGeneration).toBe(generation);
    expect(processAlive(victim)).toBe(false);
    expect(childPids(engine.pid)).toEqual([after.instances[0]!.pid]);
  });
});
