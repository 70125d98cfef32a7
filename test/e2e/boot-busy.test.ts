// While the pipelines of the initial config have their first start, the admin API already answers (its address is
// the first log line), but an operation would race that start: every pipeline answers 409 busy with `engine-start`
// until the boot is over, and then the same request goes through.
import { afterAll, describe, expect, it } from 'vitest';
import { adminClient } from '../support/admin.js';
import { startEngine, type RunningEngine } from '../support/engine.js';

const slowStart = {
  policies: { resources: { core_allocation: { type: 'core_count', count: 1 } } },
  nodes: {
    gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: 10, log_weight: 1 } } },
    slow: { type: 'processor:fault', config: { start: 'ok', start_delay: '3s' } },
    out: { type: 'exporter:noop' },
  },
  connections: [
    { from: 'gen', to: 'slow' },
    { from: 'slow', to: 'out' },
  ],
};
const quick = {
  policies: { resources: { core_allocation: { type: 'core_count', count: 1 } } },
  nodes: { gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: 10, log_weight: 1 } } }, out: { type: 'exporter:noop' } },
  connections: [{ from: 'gen', to: 'out' }],
};

describe('operations during boot', () => {
  let engine: RunningEngine | undefined;
  afterAll(async () => {
    await engine?.stop();
  });

  it('are refused as busy with the engine start, then accepted once every pipeline has started', async () => {
    engine = await startEngine(JSON.stringify({ version: 'otel_dataflow/v1', groups: { default: { pipelines: { main: slowStart } } } }), [], {
      OTAP_ENGINE_ENABLE_FAULT_INJECTION: '1',
    });
    const api = adminClient(engine.adminUrl);
    const early = await api.put('default', 'main', quick);
    expect(early.status).toBe(409);
    expect(early.body.details.operation).toEqual({ type: 'rollout', id: 'engine-start' });
    const created = await api.put('default', 'other', quick);
    expect(created.status).toBe(409);

    const running = engine;
    await running.waitFor(async () => running.lines.some((line) => line.includes('"engine started"')), 'the boot to end');
    expect((await api.put('default', 'main', quick)).body.state).toBe('succeeded');
    expect((await api.put('default', 'other', quick)).status).toBe(200);
  });
});
