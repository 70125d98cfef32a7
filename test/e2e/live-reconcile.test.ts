// Acceptance: POST /config/reconcile makes the engine match a whole config through the same planner and rollouts:
// noop for what is unchanged, create for new pipelines, replace for changed ones, delete with deleteMissing; an
// invalid document changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type RunningEngine } from '../support/engine.js';
import { adminClient } from '../support/admin.js';
import { generatorPipeline } from '../support/configs.js';

const gen = generatorPipeline;

const doc = (pipelines: Record<string, unknown>) => ({ version: 'otel_dataflow/v1', groups: { default: { pipelines } } });

describe('reconcile a whole config', () => {
  let engine: RunningEngine;
  let api: ReturnType<typeof adminClient>;
  beforeAll(async () => {
    engine = await startEngine(JSON.stringify(doc({ keep: gen(10), change: gen(10), drop: gen(10) })));
    api = adminClient(engine.adminUrl);
    for (const p of ['keep', 'change', 'drop']) await engine.waitRunning(`default:${p}`);
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('refuses an invalid document with 422 and changes nothing', async () => {
    const before = await engine.status();
    const res = await api.post('/config/reconcile?wait=true', { config: { version: 'otel_dataflow/v2', groups: {} } });
    expect(res.status).toBe(422);
    expect(res.body.details.errors[0].path).toBe('version');
    const after = await engine.status();
    expect(Object.keys(after.pipelines).sort()).toEqual(Object.keys(before.pipelines).sort());
  });

  it('applies noop, replace, create and delete in one reconcile', async () => {
    const keepPid = (await engine.pipeline('default:keep')).instances[0]!.pid;
    const res = await api.post('/config/reconcile?wait=true&timeout_secs=60', {
      config: doc({ keep: gen(10), change: gen(20), added: gen(10) }),
      deleteMissing: true,
    });
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('succeeded');
    const actions = Object.fromEntries(res.body.changes.map((c: { pipelineId: string; action: string }) => [c.pipelineId, c.action]));
    expect(actions).toEqual({ keep: 'noop', change: 'replace', added: 'create', drop: 'delete' });
    const status = await engine.status();
    expect(Object.keys(status.pipelines).sort()).toEqual(['default:added', 'default:change', 'default:keep']);
    expect(status.pipelines['default:keep']!.instances[0]!.pid).toBe(keepPid);
    expect(status.pipelines['default:change']!.activeGeneration).toBe(2);
    const again = await api.get(`/config/reconciles/${res.body.reconcileId}`);
    expect(again.status).toBe(200);
    expect(again.body.reconcileId).toBe(res.body.reconcileId);
    const config = (await api.get('/config')).body;
    expect(Object.keys(config.groups.default.pipelines).sort()).toEqual(['added', 'change', 'keep']);
    expect(config.groups.default.pipelines.change.nodes.gen.config.traffic_config.signals_per_second).toBe(20);
  });
});
