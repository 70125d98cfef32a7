// `otap-engine ctl` against a real engine: it creates, lists, reads and deletes groups, follows shutdowns and
// reconciles as it follows rollouts (--watch), and whenever it starts something it does not wait for, it prints the
// exact command that follows it, which works when run as printed.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_BIN, startEngine, writeConfig, type RunningEngine } from '../support/engine.js';
import { GENERATOR_WITH_EMPTY_GROUP } from '../support/configs.js';

const pipelineYaml = (rate: number) => `
policies: { resources: { core_allocation: { type: core_count, count: 1 } } }
nodes:
  gen: { type: receiver:traffic_generator, config: { traffic_config: { signals_per_second: ${rate}, log_weight: 1 } } }
  out: { type: exporter:noop }
connections: [ { from: gen, to: out } ]
`;

/** The command a `follow it:` line names, as words. Ids, refs and URLs here hold no quotes or spaces. */
function followCommand(stderr: string): string[] {
  const line = /^follow it: (.+)$/m.exec(stderr)?.[1];
  expect(line, `a follow line in ${JSON.stringify(stderr)}`).toBeDefined();
  const words = line!.split(' ');
  expect(words.slice(0, 2)).toEqual(['otap-engine', 'ctl']);
  expect(words.at(-1)).toBe('--watch');
  return words.slice(2);
}

describe('ctl: groups, and following what it started', () => {
  let engine: RunningEngine;
  const ctl = (args: string[], env: Record<string, string> = { OTAP_ENGINE_ADMIN_URL: engine.adminUrl }) =>
    execa(process.execPath, [ENGINE_BIN, 'ctl', ...args], { reject: false, env: { OTAP_ENGINE_ADMIN_TOKEN: '', ...env }, stdin: 'ignore' });

  beforeAll(async () => {
    engine = await startEngine(GENERATOR_WITH_EMPTY_GROUP);
    await engine.waitRunning();
  });
  afterAll(async () => {
    await engine?.stop();
  });

  it('groups create makes an empty group (exit 0), a second time is refused (exit 4); list and get show it', async () => {
    const created = await ctl(['groups', 'create', 'acme']);
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stdout.trim()).toBe('created group acme');
    const again = await ctl(['groups', 'create', 'acme']);
    expect(again.exitCode).toBe(4);
    expect(again.stderr).toContain('HTTP 409');

    const listed = await ctl(['groups', 'list']);
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).toMatch(/^GROUP\s+PIPELINES\s+RUNNING\s+NAMES$/m);
    expect(listed.stdout).toMatch(/^acme\s+0\s+0\s+-$/m);
    expect(listed.stdout).toMatch(/^default\s+1\s+1\s+main$/m);
    expect(listed.stdout).toMatch(/^tenants\s+0\s+0\s+-$/m);
    const json = JSON.parse((await ctl(['-o', 'json', 'groups', 'list'])).stdout);
    expect(json.groups.map((g: { pipelineGroupId: string }) => g.pipelineGroupId)).toEqual(['acme', 'default', 'tenants']);

    const got = await ctl(['groups', 'get', 'acme']);
    expect(got.exitCode).toBe(0);
    expect(got.stdout).toMatch(/^Group:\s+acme$/m);
    expect((await ctl(['groups', 'get', 'nope'])).exitCode).toBe(4);
    expect((await ctl(['groups', 'create', 'a/b'])).exitCode).toBe(2);
  });

  it('apply without waiting prints the rollout command to follow, which follows it to success', async () => {
    const applied = await ctl(['apply', 'acme/ingest', '-f', writeConfig(pipelineYaml(100))]);
    expect(applied.exitCode, applied.stderr).toBe(0);
    const follow = followCommand(applied.stderr);
    expect(follow.slice(0, 2)).toEqual(['rollout', 'status']);
    expect(follow.slice(3)).toEqual(['acme/ingest', '--watch']);
    const watched = await ctl(follow);
    expect(watched.exitCode, watched.stderr).toBe(0);
    expect(watched.stdout.split('\n\n').at(-1)).toMatch(new RegExp(`^Rollout ${follow[2]} \\(create\\) of acme/ingest: succeeded`));
  });

  it('shutdown without waiting prints `shutdown status … --watch`, which follows the drain to its end', async () => {
    const stopped = await ctl(['shutdown', 'acme/ingest']);
    expect(stopped.exitCode, stopped.stderr).toBe(0);
    expect(stopped.stdout).toMatch(/^Shutdown (shutdown-\d+) of acme\/ingest: /);
    const id = /^Shutdown (shutdown-\d+)/.exec(stopped.stdout)![1]!;
    expect(followCommand(stopped.stderr)).toEqual(['shutdown', 'status', id, 'acme/ingest', '--watch']);
    const watched = await ctl(followCommand(stopped.stderr));
    expect(watched.exitCode, watched.stderr).toBe(0);
    const last = watched.stdout.split('\n\n').at(-1)!;
    expect(last).toMatch(new RegExp(`^Shutdown ${id} of acme/ingest: succeeded`));
    expect(last).toMatch(/^0\s+exited\s+\d+/m);
    expect((await engine.pipeline('acme:ingest')).deploymentStatus).toBe('stopped');
    // Without the pipeline, ctl finds the one that has the shutdown; -o json --watch ends with the final record.
    const found = await ctl(['-o', 'json', 'shutdown', 'status', id, '--watch']);
    expect(found.exitCode, found.stderr).toBe(0);
    expect(JSON.parse(found.stdout.trim().split('\n').at(-1)!)).toMatchObject({ shutdownId: id, pipelineId: 'ingest', state: 'succeeded' });
    expect((await ctl(['shutdown', 'status', 'shutdown-999999'])).exitCode).toBe(4);
  });

  it('start without waiting prints the rollout command to follow; with --url given, the command carries it', async () => {
    const started = await ctl(['--url', engine.adminUrl, 'start', 'acme/ingest'], {});
    expect(started.exitCode, started.stderr).toBe(0);
    const follow = followCommand(started.stderr);
    expect(follow.slice(0, 4)).toEqual(['--url', engine.adminUrl, 'rollout', 'status']);
    // As printed, with no address in the environment.
    const watched = await ctl(follow, {});
    expect(watched.exitCode, watched.stderr).toBe(0);
    expect(watched.stdout).toMatch(/\(create\) of acme\/ingest: succeeded/);
  });

  it('reconcile without waiting prints `reconcile status … --watch`; nothing is printed to follow for what is over', async () => {
    const changed = writeConfig(GENERATOR_WITH_EMPTY_GROUP.replace('signals_per_second: 50', 'signals_per_second: 60'));
    const reconciled = await ctl(['reconcile', '-f', changed]);
    expect(reconciled.exitCode, reconciled.stderr).toBe(0);
    const follow = followCommand(reconciled.stderr);
    expect(follow.slice(0, 2)).toEqual(['reconcile', 'status']);
    const watched = await ctl(follow);
    expect(watched.exitCode, watched.stderr).toBe(0);
    expect(watched.stdout.split('\n\n').at(-1)).toMatch(/default\/main\s+replace\s+succeeded/);
    // The same file again: a noop, over when answered.
    const noop = await ctl(['reconcile', '-f', changed]);
    expect(noop.exitCode, noop.stderr).toBe(0);
    expect(noop.stderr).not.toContain('follow it:');
    expect((await ctl(['reconcile'])).exitCode).toBe(2);
  });

  it('groups delete drains the group\'s pipelines and forgets the group', async () => {
    const deleted = await ctl(['groups', 'delete', 'acme', '--watch']);
    expect(deleted.exitCode, deleted.stderr).toBe(0);
    await engine.waitFor(async () => (await engine.status()).pipelines['acme:ingest'] === undefined, 'acme:ingest gone');
    const listed = await ctl(['groups', 'list']);
    expect(listed.stdout).not.toMatch(/^acme\s/m);
  });

  it('groups status shows every pipeline by group; groups shutdown drains them all, and the engine exits', async () => {
    const shown = await ctl(['groups', 'status']);
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toMatch(/^default\s+main\s+running\s+1\/1/m);
    const engineHasIt = (await fetch(`${engine.adminUrl}/api/v1/groups/status`)).status === 200;
    const shutdown = await ctl(['groups', 'shutdown']);
    if (!engineHasIt) {
      // An engine without upstream's endpoint would take "shutdown" for a new group's id: ctl refuses, sends nothing.
      expect(shutdown.exitCode).toBe(4);
      expect(shutdown.stderr).toContain('no POST /groups/shutdown');
      expect((await fetch(`${engine.adminUrl}/api/v1/groups/shutdown`)).status).toBe(404);
      return;
    }
    // As upstream's, the engine drains every pipeline and exits: --watch waits for its answer, nothing is left to follow.
    expect(shutdown.exitCode, shutdown.stderr).toBe(0);
    expect(shutdown.stdout).toMatch(/^Shutdown of every pipeline: accepted/);
    expect(shutdown.stderr).toContain('the engine exits once every pipeline has drained');
    expect((await engine.exited).exitCode).toBe(0);
  });
});
