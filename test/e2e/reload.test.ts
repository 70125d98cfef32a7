// Acceptance (#6): SIGHUP re-reads the config file and reconciles the running engine to it through the same planner
// and rollouts as the admin API; an invalid file changes nothing, is logged with every error, and the outcome is the
// latest ReconcileStatus.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReconcileStatus } from '../../src/state/operations.js';
import { adminClient } from '../support/admin.js';
import { processAlive, startEngine, type RunningEngine } from '../support/engine.js';
import { childPids } from '../support/proc.js';
import { generatorPipeline } from '../support/configs.js';

const gen = generatorPipeline;

const doc = (pipelines: Record<string, unknown>) => JSON.stringify({ version: 'otel_dataflow/v1', groups: { default: { pipelines } } });

describe('SIGHUP reload', () => {
  let engine: RunningEngine;
  let api: ReturnType<typeof adminClient>;
  let lastSeen = '';

  /** Sends SIGHUP and waits for a new latest reconcile record that has finished. */
  async function reload(): Promise<ReconcileStatus> {
    engine.signal('SIGHUP');
    const record = await engine.waitFor(async () => {
      const res = await api.get('/config/reconciles/latest');
      const latest = res.status === 200 ? (res.body as ReconcileStatus) : undefined;
      return latest && latest.reconcileId !== lastSeen && latest.state !== 'running' ? latest : undefined;
    }, 'a finished reload', 60_000);
    lastSeen = record.reconcileId;
    return record;
  }

  beforeAll(async () => {
    engine = await startEngine(doc({ keep: gen(10), change: gen(10), drop: gen(10) }));
    api = adminClient(engine.adminUrl);
    for (const p of ['keep', 'change', 'drop']) await engine.waitRunning(`default:${p}`);
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('has no latest reconcile before the first one', async () => {
    expect((await api.get('/config/reconciles/latest')).status).toBe(404);
  });

  it('reconciles to the edited file: noop, replace, create and delete, without restarting what did not change', async () => {
    const keepPid = (await engine.pipeline('default:keep')).instances[0]!.pid;
    writeFileSync(engine.configFile, doc({ keep: gen(10), change: gen(20), added: gen(10) }));
    const record = await reload();
    expect(record).toMatchObject({ trigger: 'reload', state: 'succeeded', deleteMissing: true });
    const actions = Object.fromEntries(record.changes.map((c) => [c.pipelineId, c.action]));
    expect(actions).toEqual({ keep: 'noop', change: 'replace', added: 'create', drop: 'delete' });
    const status = await engine.status();
    expect(Object.keys(status.pipelines).sort()).toEqual(['default:added', 'default:change', 'default:keep']);
    expect(status.pipelines['default:keep']!.instances[0]!.pid).toBe(keepPid);
    expect(status.pipelines['default:change']!.activeGeneration).toBe(2);
    const config = (await api.get('/config')).body;
    expect(config.groups.default.pipelines.change.nodes.gen.config.traffic_config.signals_per_second).toBe(20);
  });

  it('refuses an invalid file with every error, logged and recorded, and changes nothing', async () => {
    const before = await engine.status();
    const broken = JSON.parse(doc({ keep: gen(10), change: gen(30), added: gen(10) }));
    broken.groups.default.pipelines.change.nodes.gen.type = 'receiver:no_such_thing';
    broken.groups.default.pipelines.added.connections = [{ from: 'gen', to: 'nowhere' }];
    writeFileSync(engine.configFile, JSON.stringify(broken));
    const logsBefore = engine.lines.length;
    const record = await reload();
    expect(record).toMatchObject({ trigger: 'reload', state: 'rejected', changes: [] });
    const paths = (record.errors ?? []).map((e) => e.path);
    expect(paths).toContain('groups.default.pipelines.change.nodes.gen.type');
    expect(paths.some((p) => p.startsWith('groups.default.pipelines.added.connections'))).toBe(true);
    // The log line travels through a pipe; the record may be read first.
    const logged = await engine.waitFor(async () => engine.lines.slice(logsBefore).find((line) => line.includes('config reload rejected')), 'the rejection in the log');
    expect(logged).toContain('groups.default.pipelines.change.nodes.gen.type');
    expect(logged).toContain('groups.default.pipelines.added.connections');
    const after = await engine.status();
    expect(Object.keys(after.pipelines).sort()).toEqual(Object.keys(before.pipelines).sort());
    for (const [key, pipeline] of Object.entries(after.pipelines)) {
      expect(pipeline.activeGeneration).toBe(before.pipelines[key]!.activeGeneration);
      expect(pipeline.instances.map((i) => i.pid)).toEqual(before.pipelines[key]!.instances.map((i) => i.pid));
    }
  });

  it('coalesces a burst of signals into reloads of the latest file and keeps serving', async () => {
    writeFileSync(engine.configFile, doc({ keep: gen(10), change: gen(40) }));
    const linesBefore = engine.lines.length;
    for (let i = 0; i < 5; i++) engine.signal('SIGHUP');
    await engine.waitFor(async () => {
      const latest = (await api.get('/config/reconciles/latest')).body as ReconcileStatus;
      const status = await engine.status();
      return latest.state === 'succeeded' && status.pipelines['default:added'] === undefined && latest.reconcileId;
    }, 'the burst to settle', 60_000);
    const status = await engine.status();
    expect(status.pipelines['default:change']!.deploymentStatus).toBe('running');
    const config = (await api.get('/config')).body;
    expect(config.groups.default.pipelines.change.nodes.gen.config.traffic_config.signals_per_second).toBe(40);
    // Five signals during one reload make at most one more reload, never a refusal for a busy pipeline.
    const burst = engine.lines.slice(linesBefore);
    const reloads = burst.filter((line) => line.includes('"msg":"reloading the configuration"'));
    expect(reloads.length).toBeGreaterThanOrEqual(1);
    expect(reloads.length).toBeLessThanOrEqual(2);
    expect(burst.filter((line) => line.includes('config reload rejected'))).toEqual([]);
    expect(engine.lines.some((line) => line.includes('"engine stopped"'))).toBe(false);
  });
});

describe('SIGTERM right after SIGHUP', () => {
  it('drains what runs, starts nothing new, and leaves no process behind', async () => {
    const engine = await startEngine(doc({ first: gen(10) }));
    await engine.waitRunning('default:first');
    writeFileSync(engine.configFile, doc({ first: gen(10), second: gen(10), third: gen(10) }));
    const seen = new Set<number>();
    const watch = setInterval(() => {
      for (const pid of childPids(engine.pid)) seen.add(pid);
    }, 5);
    engine.signal('SIGHUP');
    await new Promise((r) => setTimeout(r, 30));
    engine.signal('SIGTERM');
    const exit = await engine.exited;
    clearInterval(watch);
    expect(exit.exitCode).toBe(0);
    // Every process the engine ever had, including any a late rollout may have started, is gone.
    await new Promise((r) => setTimeout(r, 500));
    expect([...seen].filter((pid) => processAlive(pid))).toEqual([]);
    expect(engine.lines.some((line) => line.includes('"engine stopped"'))).toBe(true);
  });
});
