// ctl reads the answers as upstream's admin API gives them (crates/admin-types; what its dfctl decodes): a waited
// operation that failed is 409 with the RolloutStatus or ShutdownStatus itself as the body, one that ran out of time is
// 504 with it; deletes wait and answer PipelineDeleteStatus / GroupDeleteStatus (200, 409); POST /groups/shutdown
// answers { status, errors?, durationMs? }; PipelineDetails names the config `pipeline`; a reconcile lists `changes`.
// A real HTTP server on port 0 replays those answers; ctl runs as the real child process an operator starts.
import { execa } from 'execa';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_BIN, writeConfig } from '../support/engine.js';

interface Reply {
  status: number;
  body?: unknown;
}
interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
}

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:00:03Z';
const rollout = (state: string, extra: Record<string, unknown> = {}) => ({
  rolloutId: 'rollout-7', pipelineGroupId: 'g', pipelineId: 'p', action: 'replace', state, targetGeneration: 3, previousGeneration: 2,
  startedAt: T0, updatedAt: T1, cores: [{ coreId: 0, previousGeneration: 2, targetGeneration: 3, state: state === 'running' ? 'starting' : 'failed', updatedAt: T1 }], ...extra,
});
const shutdown = (state: string, extra: Record<string, unknown> = {}) => ({
  shutdownId: 'shutdown-9', pipelineGroupId: 'g', pipelineId: 'p', state, initiator: 'admin_api', startedAt: T0, updatedAt: T1,
  cores: [{ coreId: 0, deploymentGeneration: 3, state: state === 'succeeded' ? 'stopped' : 'draining', updatedAt: T1 }], ...extra,
});
const pipelineDelete = (state: string) => ({
  pipelineGroupId: 'g', pipelineId: 'p', state, startedAt: T0, updatedAt: T1, shutdown: shutdown(state === 'succeeded' ? 'succeeded' : 'failed'),
  ...(state === 'succeeded' ? {} : { failureReason: 'core 0 did not drain' }),
});
const groupDelete = (state: string) => ({
  pipelineGroupId: 'g', state, startedAt: T0, updatedAt: T1, pipelines: [pipelineDelete(state)],
  ...(state === 'succeeded' ? {} : { failureReason: 'group delete failed' }),
});
const pipelineStatus = (running: boolean) => ({ conditions: [], totalCores: 1, runningCores: running ? 1 : 0, cores: {} });

describe('ctl decodes upstream-shaped answers', () => {
  const replies = new Map<string, Reply[]>();
  const seen: Seen[] = [];
  let url = '';
  const server = http.createServer((req, res) => {
    const parsed = new URL(req.url ?? '/', 'http://x');
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, path: parsed.pathname, query: parsed.searchParams, body });
      const queue = replies.get(`${req.method} ${parsed.pathname}`);
      const reply = (queue && queue.length > 1 ? queue.shift() : queue?.[0]) ?? { status: 404 };
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  /** The answers for one method and path, in turn; the last one stays. */
  const answer = (route: string, ...queue: Reply[]) => replies.set(route, queue);
  const ctl = (args: string[]) =>
    execa(process.execPath, [ENGINE_BIN, 'ctl', ...args], { reject: false, stdin: 'ignore', env: { OTAP_ENGINE_ADMIN_URL: url, OTAP_ENGINE_ADMIN_TOKEN: '' } });
  const pipelineFile = writeConfig('nodes: { gen: { type: receiver:traffic_generator }, out: { type: exporter:noop } }\nconnections: [ { from: gen, to: out } ]\n');
  const P = '/api/v1/groups/g/pipelines/p';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('a waited rollout answered 409 with its RolloutStatus exits 1 and shows it', async () => {
    answer(`PUT ${P}`, { status: 409, body: rollout('failed', { failureReason: 'core 0: instance crashed' }) });
    const res = await ctl(['apply', 'g/p', '-f', pipelineFile, '--wait']);
    expect(res.exitCode).toBe(1);
    expect(res.stdout).toMatch(/^Rollout rollout-7 \(replace\) of g\/p: failed, generation 2 -> 3/);
    expect(res.stderr).toContain('rollout rollout-7 ended failed: core 0: instance crashed');
    expect(seen.at(-1)!.query.get('wait')).toBe('true');
  });

  it('a waited rollout answered 504 with its RolloutStatus exits 5 and names the command that follows it', async () => {
    answer(`PUT ${P}`, { status: 504, body: rollout('running') });
    const res = await ctl(['apply', 'g/p', '-f', pipelineFile, '--wait', '--timeout', '5']);
    expect(res.exitCode).toBe(5);
    expect(res.stdout).toContain('Rollout rollout-7 (replace) of g/p: running');
    expect(res.stderr).toContain('follow it: otap-engine ctl rollout status rollout-7 g/p --watch');
    expect(seen.at(-1)!.query.get('timeout_secs')).toBe('5');
  });

  it('a waited shutdown: 409 with its ShutdownStatus exits 1, 504 exits 5 with the follow command', async () => {
    answer(`POST ${P}/shutdown`, { status: 409, body: shutdown('failed', { failureReason: 'core 0 was killed at the deadline' }) });
    const failed = await ctl(['shutdown', 'g/p', '--wait']);
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toMatch(/^Shutdown shutdown-9 of g\/p: failed/);
    expect(failed.stderr).toContain('shutdown shutdown-9 ended failed: core 0 was killed at the deadline');
    answer(`POST ${P}/shutdown`, { status: 504, body: shutdown('running') });
    const late = await ctl(['shutdown', 'g/p', '--wait']);
    expect(late.exitCode).toBe(5);
    expect(late.stderr).toContain('follow it: otap-engine ctl shutdown status shutdown-9 g/p --watch');
  });

  it('shutdown status --watch follows a ShutdownStatus until it is final', async () => {
    answer(`GET ${P}/shutdowns/shutdown-9`, { status: 200, body: shutdown('running') }, { status: 200, body: shutdown('succeeded') });
    const res = await ctl(['shutdown', 'status', 'shutdown-9', 'g/p', '--watch']);
    expect(res.exitCode, res.stderr).toBe(0);
    const views = res.stdout.trim().split('\n\n');
    expect(views[0]).toMatch(/^Shutdown shutdown-9 of g\/p: running/);
    expect(views.at(-1)).toMatch(/^Shutdown shutdown-9 of g\/p: succeeded/);
  });

  it('a pipeline delete waits (timeout_secs) and answers its PipelineDeleteStatus: 200 exits 0, 409 exits 1', async () => {
    answer(`DELETE ${P}`, { status: 200, body: pipelineDelete('succeeded') });
    const ok = await ctl(['delete', 'g/p', '--timeout', '20']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^Delete of g\/p: succeeded/);
    expect(ok.stdout).toContain('Shutdown shutdown-9 of g/p: succeeded');
    expect(ok.stderr).not.toContain('follow it');
    expect(seen.at(-1)!.query.get('timeout_secs')).toBe('20');
    answer(`DELETE ${P}`, { status: 409, body: pipelineDelete('failed') });
    const failed = await ctl(['delete', 'g/p']);
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain('delete of g/p ended failed: core 0 did not drain');
  });

  it('a group delete answers its GroupDeleteStatus: 200 exits 0, 409 exits 1', async () => {
    answer('DELETE /api/v1/groups/g', { status: 200, body: groupDelete('succeeded') });
    const ok = await ctl(['groups', 'delete', 'g']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^Delete of group g: succeeded/);
    expect(ok.stdout).toMatch(/^p\s+succeeded\s+shutdown-9/m);
    answer('DELETE /api/v1/groups/g', { status: 409, body: groupDelete('failed') });
    expect((await ctl(['groups', 'delete', 'g'])).exitCode).toBe(1);
  });

  it('groups create sends an empty group and reads the group config upstream answers', async () => {
    answer('POST /api/v1/groups/h', { status: 201, body: { pipelines: {} } });
    const res = await ctl(['groups', 'create', 'h']);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout.trim()).toBe('created group h');
    expect(JSON.parse(seen.at(-1)!.body)).toEqual({ pipelines: {} });
  });

  it('groups shutdown: 202 says the engine exits (nothing to follow); --watch waits; waited: 200 exits 0, 504 exits 5', async () => {
    answer('GET /api/v1/groups/status', { status: 200, body: { generatedAt: T0, pipelines: { 'g:p': { ...pipelineStatus(true), deploymentStatus: 'running' } } } });
    answer('POST /api/v1/groups/shutdown', { status: 202, body: { status: 'accepted' } });
    const accepted = await ctl(['groups', 'shutdown']);
    expect(accepted.exitCode, accepted.stderr).toBe(0);
    expect(accepted.stdout.trim()).toBe('Shutdown of every pipeline: accepted');
    expect(accepted.stderr).toContain('the engine exits once every pipeline has drained');
    expect(accepted.stderr).not.toContain('follow it:');
    answer('POST /api/v1/groups/shutdown', { status: 200, body: { status: 'completed', durationMs: 80 } });
    const watched = await ctl(['groups', 'shutdown', '--watch']);
    expect(watched.exitCode, watched.stderr).toBe(0);
    expect(watched.stdout.trim()).toBe('Shutdown of every pipeline: completed after 80 ms');
    expect(seen.at(-1)!.query.get('wait')).toBe('true');

    answer('POST /api/v1/groups/shutdown', { status: 200, body: { status: 'completed', durationMs: 120 } });
    const done = await ctl(['groups', 'shutdown', '--wait']);
    expect(done.exitCode, done.stderr).toBe(0);
    expect(done.stdout.trim()).toBe('Shutdown of every pipeline: completed after 120 ms');
    expect(seen.at(-1)!.query.get('wait')).toBe('true');
    answer('POST /api/v1/groups/shutdown', { status: 504, body: { status: 'timeout', errors: ['Shutdown did not complete within 60 seconds'], durationMs: 60000 } });
    const late = await ctl(['groups', 'shutdown', '--wait']);
    expect(late.exitCode).toBe(5);
    expect(late.stdout).toContain('Shutdown did not complete within 60 seconds');
  });

  it('get shows the config upstream names `pipeline`; a reconcile lists its `changes`', async () => {
    answer(`GET ${P}`, { status: 200, body: { pipelineGroupId: 'g', pipelineId: 'p', activeGeneration: 3, pipeline: { nodes: { gen: { type: 'receiver:traffic_generator' } } } } });
    answer(`GET ${P}/status`, { status: 200, body: { ...pipelineStatus(true), activeGeneration: 3 } });
    const got = await ctl(['get', 'g/p']);
    expect(got.exitCode, got.stderr).toBe(0);
    expect(got.stdout).toContain('type: receiver:traffic_generator');

    const changes = [{ pipelineGroupId: 'g', pipelineId: 'p', action: 'replace', state: 'failed', rollout: rollout('failed') }];
    answer('POST /api/v1/config/reconcile', { status: 409, body: { reconcileId: 'reconcile-3', state: 'failed', startedAt: T0, updatedAt: T1, changes, failureReason: 'g:p failed' } });
    const reconciled = await ctl(['reconcile', '-f', writeConfig('version: otel_dataflow/v1\ngroups: {}\n'), '--wait']);
    expect(reconciled.exitCode).toBe(1);
    expect(reconciled.stdout).toMatch(/^g\/p\s+replace\s+failed\s+rollout-7/m);
    expect(reconciled.stderr).toContain('reconcile reconcile-3 ended failed: g:p failed');
  });
});
