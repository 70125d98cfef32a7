// `otap-engine ctl` as an operator runs it: a real child process against a real engine. Exit codes are the contract
// (docs/cli.md): 0 succeeded, 1 the operation failed, 2 usage, 3 unreachable, 4 refused, 5 waiting ran out.
import { execa } from 'execa';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_BIN, startEngine, writeConfig, type RunningEngine } from '../support/engine.js';
import { GENERATOR_WITH_EMPTY_GROUP } from '../support/configs.js';


const pipelineYaml = (rate: number, extraNode = '') => `
policies: { resources: { core_allocation: { type: core_count, count: 1 } } }
nodes:
  gen: { type: receiver:traffic_generator, config: { data_source: synthetic, traffic_config: { signals_per_second: ${rate}, max_batch_size: 10, log_weight: 1 } } }
${extraNode ? `  ${extraNode}\n` : ''}  out: { type: exporter:noop }
connections:
${extraNode ? '  - { from: gen, to: fault }\n  - { from: fault, to: out }' : '  - { from: gen, to: out }'}
`;

describe('otap-engine ctl against a real engine', () => {
  let engine: RunningEngine;

  /** Runs `otap-engine ctl ARGS` with the engine's address in the environment, as an operator's shell would have it. */
  const ctl = (args: string[], env: Record<string, string> = {}) =>
    execa(process.execPath, [ENGINE_BIN, 'ctl', ...args], {
      reject: false,
      env: { OTAP_ENGINE_ADMIN_URL: engine.adminUrl, ...env },
      stdin: 'ignore',
    });

  beforeAll(async () => {
    engine = await startEngine(GENERATOR_WITH_EMPTY_GROUP, [], { OTAP_ENGINE_ENABLE_FAULT_INJECTION: '1' });
    await engine.waitRunning();
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('status: a table by default, the API JSON with -o json', async () => {
    const table = await ctl(['status']);
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toMatch(/^PIPELINE\s+DESIRED\s+STATUS\s+CORES\s+GEN/);
    expect(table.stdout).toMatch(/default:main\s+running\s+running\s+1\/1\s+1/);
    const json = await ctl(['-o', 'json', 'status']);
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout).pipelines['default:main'].deploymentStatus).toBe('running');
  });

  it('apply --dry-run shows the plan and changes nothing; apply creates (exit 0); get shows it', async () => {
    const file = writeConfig(pipelineYaml(100));
    const dry = await ctl(['apply', 'tenants/a', '-f', file, '--dry-run']);
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toContain('Dry run of tenants/a: create (nothing was changed)');
    expect(dry.stdout).toContain('Plan: core 0 start');
    expect((await engine.status()).pipelines['tenants:a']).toBeUndefined();

    const created = await ctl(['apply', 'tenants/a', '-f', file, '--wait']);
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/Rollout rollout-\d+ \(create\) of tenants\/a: succeeded/);
    expect((await engine.pipeline('tenants:a')).deploymentStatus).toBe('running');

    const changed = await ctl(['apply', 'tenants/a', '-f', writeConfig(pipelineYaml(200)), '--dry-run']);
    expect(changed.stdout).toContain('~ nodes.gen.config.traffic_config.signals_per_second: 100 -> 200');

    const get = await ctl(['get', 'tenants:a']);
    expect(get.exitCode).toBe(0);
    expect(get.stdout).toMatch(/Pipeline:\s+tenants\/a/);
    expect(get.stdout).toMatch(/CORE\s+GEN\s+PID\s+PHASE/);
    expect(get.stdout).toContain('signals_per_second: 100');
    expect(JSON.parse((await ctl(['get', 'tenants/a', '-o', 'json'])).stdout).pipeline.nodes.gen.config.traffic_config.signals_per_second).toBe(100);
  });

  it('apply of an invalid pipeline exits 4 and prints every error with its path; nothing starts', async () => {
    const broken = writeConfig('nodes:\n  gen: { type: receiver:traffic_generator, config: { data_source: synthetic, traffic_config: { signals_per_second: 100, log_weight: 1 } } }\n  out: { type: exporter:nonexistent }\nconnections:\n  - { from: gen, to: out }\n');
    const res = await ctl(['apply', 'tenants/broken', '-f', broken]);
    expect(res.exitCode).toBe(4);
    expect(res.stderr).toContain('(InvalidPipelineConfig, HTTP 422)');
    expect(res.stderr).toMatch(/groups\.tenants\.pipelines\.broken\.nodes\.out\.type: .*\[UnknownNodeType\]/);
    expect((await engine.status()).pipelines['tenants:broken']).toBeUndefined();
  });

  it('rollout status --watch shows per-core progress of a real replace and ends with success', async () => {
    // A new instance that takes 1 s to start: long enough for the watch to see the core `starting`, whatever the machine.
    const slowStart = writeConfig(pipelineYaml(300, "fault: { type: processor:fault, config: { start_delay: '1s' } }"));
    const applied = await ctl(['-o', 'json', 'apply', 'tenants/a', '-f', slowStart]);
    expect(applied.exitCode).toBe(0);
    const { rolloutId } = JSON.parse(applied.stdout);
    const watched = await ctl(['rollout', 'status', rolloutId, '--watch']);
    expect(watched.exitCode, watched.stderr).toBe(0);
    const views = watched.stdout.split('\n\n');
    // Each change of the record is a new view: the core was seen starting, then done, and the last view is final.
    expect(views.length).toBeGreaterThan(1);
    expect(watched.stdout).toMatch(/^0\s+starting\s+\d+ -> \d+/m);
    expect(views.at(-1)).toMatch(new RegExp(`Rollout ${rolloutId} \\(replace\\) of tenants/a: succeeded`));
    expect(views.at(-1)).toMatch(/^0\s+retired/m);
  });

  it('a rollout that fails exits 1, with --watch and with --wait; the old generation keeps serving', async () => {
    const before = await engine.pipeline('tenants:a');
    const faulty = writeConfig(pipelineYaml(300, 'fault: { type: processor:fault, config: { start: fail } }'));
    const watched = await ctl(['apply', 'tenants/a', '-f', faulty, '--watch']);
    expect(watched.exitCode).toBe(1);
    expect(watched.stdout).toMatch(/: failed, generation/);
    expect(watched.stderr).toMatch(/ended failed: core 0: node "fault"/);
    // The engine answers 409 with the rollout itself, as upstream's: ctl shows it and exits 1.
    const waited = await ctl(['apply', 'tenants/a', '-f', faulty, '--wait']);
    expect(waited.exitCode).toBe(1);
    expect(waited.stdout).toMatch(/\(replace\) of tenants\/a: failed/);
    expect(waited.stderr).toMatch(/rollout rollout-\d+ ended failed: core 0: node "fault"/);
    expect((await engine.pipeline('tenants:a')).servingGenerations).toEqual(before.servingGenerations);
  });

  it('shutdown, start and delete', async () => {
    const stopped = await ctl(['shutdown', 'tenants/a', '--wait', '--drain-timeout', '10']);
    expect(stopped.exitCode, stopped.stderr).toBe(0);
    expect(stopped.stdout).toMatch(/Shutdown shutdown-\d+ of tenants\/a: succeeded/);
    expect(stopped.stdout).toMatch(/^0\s+exited\s+\d+/m);
    expect((await engine.pipeline('tenants:a')).deploymentStatus).toBe('stopped');

    const started = await ctl(['start', 'tenants/a', '--watch']);
    expect(started.exitCode, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/\(create\) of tenants\/a: succeeded/);
    const again = await ctl(['start', 'tenants/a']);
    expect(again.exitCode).toBe(4);
    expect(again.stderr).toContain('PipelineRunning');

    const deleted = await ctl(['delete', 'tenants/a', '--timeout', '10']);
    expect(deleted.exitCode, deleted.stderr).toBe(0);
    expect(deleted.stdout).toMatch(/^Delete of tenants\/a: succeeded/);
    expect((await engine.status()).pipelines['tenants:a']).toBeUndefined();
    expect((await ctl(['get', 'tenants/a'])).exitCode).toBe(4);
  });

  it('reconcile --dry-run plans each pipeline and changes nothing; reconcile --wait applies', async () => {
    const file = writeConfig(GENERATOR_WITH_EMPTY_GROUP.replace('signals_per_second: 50', 'signals_per_second: 70'));
    const dry = await ctl(['reconcile', '-f', file, '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('default/main: replace  (core 0 replace)');
    expect(dry.stdout).toContain('~ nodes.gen.config.traffic_config.signals_per_second: 50 -> 70');
    const generation = (await engine.pipeline()).activeGeneration;
    expect(generation).toBe(1);
    const applied = await ctl(['reconcile', '-f', file, '--wait']);
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/default\/main\s+replace\s+succeeded/);
    expect((await engine.pipeline()).activeGeneration).toBe(2);
  });

  it('usage errors exit 2 without sending anything; an unreachable engine exits 3', async () => {
    expect((await ctl(['apply', 'tenants/a', '-f', '/nonexistent.yaml'])).exitCode).toBe(2);
    expect((await ctl(['get', 'no-separator'])).exitCode).toBe(2);
    expect((await ctl(['frobnicate'])).exitCode).toBe(2);
    // A port that was just free: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as { port: number };
        server.close(() => resolve(p));
      });
    });
    const res = await ctl(['status'], { OTAP_ENGINE_ADMIN_URL: `http://127.0.0.1:${port}` });
    expect(res.exitCode).toBe(3);
    expect(res.stderr).toContain('cannot reach the engine');
    expect(res.stderr).toContain('ECONNREFUSED');
  });
});
