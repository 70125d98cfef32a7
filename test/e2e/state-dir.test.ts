// Acceptance (#13, live state): with --state-dir every committed change survives a restart. Create, resize, shut down
// and delete over the API, a group created, SIGTERM, start again with the same state dir and the original file: exactly
// the committed state runs. The state dir holds no substituted secret and only its owner can read it; a corrupt state
// file stops the start with the file's name and the way out; --reset-state runs the file again; `ctl config export`
// gives a config that --config accepts and that runs the same pipelines.
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_BIN, startEngine, usableCores, type RunningEngine } from '../support/engine.js';
import { adminClient } from '../support/admin.js';

const SECRET = `state-dir-secret-${process.pid}-${Date.now()}`;
const env = { STATE_TEST_SECRET: SECRET };
const cores = usableCores();

const generator = (count = 1) => ({
  description: '${env:STATE_TEST_SECRET}',
  policies: { resources: { core_allocation: { type: 'core_count', count } } },
  nodes: {
    gen: { type: 'receiver:traffic_generator', config: { data_source: 'synthetic', traffic_config: { signals_per_second: 20, log_weight: 1 } } },
    out: { type: 'exporter:noop' },
  },
  connections: [{ from: 'gen', to: 'out' }],
});

const CONFIG = `
version: otel_dataflow/v1
groups:
  default:
    description: \${env:STATE_TEST_SECRET}
    pipelines:
${['main', 'other', 'gone']
  .map(
    (name) => `      ${name}:
        policies: { resources: { core_allocation: { type: core_count, count: 1 } } }
        nodes:
          gen: { type: receiver:traffic_generator, config: { data_source: synthetic, traffic_config: { signals_per_second: 20, log_weight: 1 } } }
          out: { type: exporter:noop }
        connections:
          - { from: gen, to: out }`,
  )
  .join('\n')}
  tenants:
    pipelines: {}
`;

/** Every file under `dir` with its content, for the secret grep. */
function filesOf(dir: string): Array<{ name: string; text: string }> {
  return readdirSync(dir).map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

async function runToExit(args: string[]): Promise<{ exitCode: number | undefined; stderr: string; stdout: string }> {
  const r = await execa(process.execPath, [ENGINE_BIN, ...args], { reject: false, env: { OTAP_ENGINE_ADMIN_TOKEN: '', ...env }, timeout: 60_000 });
  return { exitCode: r.exitCode, stderr: r.stderr, stdout: r.stdout };
}

const firstLine = (engine: RunningEngine) => JSON.parse(engine.lines[0]!) as { msg: string; stateFile?: string };

describe('state dir: committed changes survive a restart', () => {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'otap-state-')), 'state');
  let engine: RunningEngine;
  let configFile: string;
  const resized = cores.length >= 2 ? 2 : 1;

  beforeAll(async () => {
    engine = await startEngine(CONFIG, ['--state-dir', stateDir], env);
    configFile = engine.configFile;
    await engine.waitFor(async () => engine.lines.some((line) => line.includes('"engine started"')), 'the boot to end', 60_000);
  }, 60_000);
  afterAll(async () => {
    await engine?.stop();
  });

  it('runs the file at the first start, saying so first, and writes the state at once (0600 in a 0700 dir)', async () => {
    expect(firstLine(engine).msg).toBe(`running the config ${configFile}`);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(stateDir, 'state.json')).mode & 0o777).toBe(0o600);
  });

  it('persists create, resize, shutdown, delete and a new group, then runs exactly that after a restart', async () => {
    const api = adminClient(engine.adminUrl);
    expect((await api.put('tenants', 'a', generator())).status).toBe(200);
    const resize = await api.put('default', 'main', { ...generator(resized), description: undefined });
    expect(resize.status).toBe(200);
    const shutdown = await api.post('/groups/default/pipelines/other/shutdown?wait=true&timeout_secs=30');
    expect(shutdown.status).toBe(200);
    const deleted = await api.del('/groups/default/pipelines/gone');
    expect(deleted.status).toBe(200);
    expect((await api.post('/groups/extra', { description: 'made live' })).status).toBe(201);

    // Answered means written: the state file has every change already.
    const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8'));
    expect(Object.keys(state.config.groups.default.pipelines).sort()).toEqual(['main', 'other']);
    expect(state.stopped).toEqual(['default:other']);
    expect(state.config.groups.tenants.pipelines.a.description).toBe('${env:STATE_TEST_SECRET}');
    expect(state.config.groups.default.description).toBe('${env:STATE_TEST_SECRET}');
    for (const file of filesOf(stateDir)) expect(file.text, file.name).not.toContain(SECRET);

    expect(await engine.stop()).toBe(0);
    engine = await startEngine('', ['--state-dir', stateDir], env, { configFile });
    expect(firstLine(engine).msg).toContain(`running the committed state of ${join(stateDir, 'state.json')}`);
    await engine.waitRunning('tenants:a');
    const main = await engine.waitRunning('default:main');
    expect(main.instances.filter((i) => i.pid !== null)).toHaveLength(resized);
    const status = await engine.status();
    expect(Object.keys(status.pipelines).sort()).toEqual(['default:main', 'default:other', 'tenants:a']);
    const other = await adminClient(engine.adminUrl).get('/groups/default/pipelines/other');
    expect(other.body.desiredStatus).toBe('stopped');
    expect(status.pipelines['default:other']!.instances.filter((i) => i.pid !== null)).toHaveLength(0);
    expect((await adminClient(engine.adminUrl).get('/groups/extra')).body).toMatchObject({ description: 'made live' });
    // The substituted value runs (the references were resolved again at this start), and is still not on disk.
    expect((await adminClient(engine.adminUrl).get('/groups/default')).body.description).toBe(SECRET);
    for (const file of filesOf(stateDir)) expect(file.text, file.name).not.toContain(SECRET);
  }, 120_000);

  it('exports a config that --config accepts and that runs the same pipelines, with references kept', async () => {
    const exported = join(mkdtempSync(join(tmpdir(), 'otap-export-')), 'exported.yaml');
    const ctl = await execa(process.execPath, [ENGINE_BIN, 'ctl', '--url', engine.adminUrl, 'config', 'export', '-f', exported], { reject: false });
    expect(ctl.exitCode, ctl.stderr).toBe(0);
    const text = readFileSync(exported, 'utf8');
    expect(text).toContain('${env:STATE_TEST_SECRET}');
    expect(text).not.toContain(SECRET);
    expect(statSync(exported).mode & 0o777).toBe(0o600);
    const validated = await runToExit(['--config', exported, '--validate-and-exit']);
    expect(validated.exitCode, validated.stderr).toBe(0);
    expect(validated.stdout).toContain('3 pipeline(s)');
    // Run it (no state dir): the same pipelines, the stopped one included (a file has no "stopped").
    const copy = await startEngine(readFileSync(exported, 'utf8'), [], env);
    try {
      await copy.waitRunning('tenants:a');
      expect(Object.keys((await copy.status()).pipelines).sort()).toEqual(['default:main', 'default:other', 'tenants:a']);
    } finally {
      await copy.stop();
    }
  }, 120_000);

  it('refuses a corrupt state file at start, naming it and --reset-state, and --reset-state runs the file again', async () => {
    expect(await engine.stop()).toBe(0);
    const file = join(stateDir, 'state.json');
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 200));
    const refused = await runToExit(['--config', configFile, '--state-dir', stateDir, '--http-admin-bind', '127.0.0.1:0']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`state file ${file} is unusable`);
    expect(refused.stderr).toContain('--reset-state');

    engine = await startEngine('', ['--state-dir', stateDir, '--reset-state'], env, { configFile });
    expect(firstLine(engine).msg).toBe(`running the config ${configFile}`);
    await engine.waitRunning('default:gone');
    expect(Object.keys((await engine.status()).pipelines).sort()).toEqual(['default:gone', 'default:main', 'default:other']);
    // The reset overwrote the state at once: a plain restart runs the file's pipelines too.
    const state = JSON.parse(readFileSync(file, 'utf8'));
    expect(Object.keys(state.config.groups.default.pipelines).sort()).toEqual(['gone', 'main', 'other']);
    expect(state.stopped).toEqual([]);
  }, 120_000);

  it('refuses --reset-state without a state dir (usage, 2), and a state dir it cannot write (1)', async () => {
    const usage = await runToExit(['--config', configFile, '--reset-state']);
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toContain('--reset-state needs a state dir');
    const notADir = join(mkdtempSync(join(tmpdir(), 'otap-state-file-')), 'plain-file');
    writeFileSync(notADir, 'x');
    const refused = await runToExit(['--config', configFile, '--state-dir', notADir, '--http-admin-bind', '127.0.0.1:0']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(`state dir ${notADir} cannot be used`);
  }, 60_000);
});

describe('state dir: a change that cannot be persisted', () => {
  const stateDir = join(mkdtempSync(join(tmpdir(), 'otap-state-fail-')), 'state');
  let engine: RunningEngine;
  afterAll(async () => {
    await engine?.stop();
  });

  it('answers 500 StateNotPersisted for a change that runs but was not written, then 503 StateNotWritable until it can be', async () => {
    engine = await startEngine(CONFIG, ['--state-dir', stateDir], env);
    // Every pipeline of the file first: while the engine boots, every change answers busy.
    for (const key of ['default:main', 'default:other', 'default:gone']) await engine.waitRunning(key);
    await engine.waitFor(async () => engine.lines.some((line) => line.includes('"engine started"')), 'the boot to end');
    const api = adminClient(engine.adminUrl);
    // The state file's name taken by a directory: every rename onto it fails, whoever the engine's user is.
    const file = join(stateDir, 'state.json');
    rmSync(file);
    mkdirSync(file);
    const applied = await api.put('tenants', 'a', generator());
    expect(applied.status).toBe(500);
    expect(applied.body).toMatchObject({ error_code: 'StateNotPersisted', details: { applied: true } });
    await engine.waitRunning('tenants:a');
    const refused = await api.put('tenants', 'b', generator());
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error_code: 'StateNotWritable', details: { applied: false } });
    expect((await engine.status()).pipelines['tenants:b']).toBeUndefined();
    rmSync(file, { recursive: true });
    expect((await api.put('tenants', 'b', generator())).status).toBe(200);
    const state = JSON.parse(readFileSync(file, 'utf8'));
    expect(Object.keys(state.config.groups.tenants.pipelines).sort()).toEqual(['a', 'b']);
  }, 120_000);
});
