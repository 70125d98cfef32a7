// The console shows what the engine remembers, not only what happened while the page was open: the rollouts and
// shutdowns the engine keeps (a page opened after them, even after the pipeline was deleted, lists them with their
// outcomes), and the engine's recent log lines from its log tap, live, with a level filter, and no secret among them;
// the graph's count of the items a node dropped; and a failed rollout's reason where the operator looks.
// In a real headless Chromium against a real engine.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startEngine, type RunningEngine } from '../support/engine.js';
import { foreignRequests, launchBrowser, openConsole, type ConsolePage } from './browser.js';
import { generatorPipeline } from '../support/configs.js';

/** One generator pipeline `default/main` of 20 logs a second (JSON is YAML). */
const ONE_GENERATOR = JSON.stringify({ version: 'otel_dataflow/v1', groups: { default: { pipelines: { main: generatorPipeline(20) } } } });

const FAULTS = { OTAP_ENGINE_ENABLE_FAULT_INJECTION: '1' };

/** The page redraws once a second: give each expectation time to come true. */
function eventually<T>(read: () => Promise<T>, timeout = 20_000) {
  return expect.poll(read, { timeout });
}

async function send(engine: RunningEngine, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const init: RequestInit = { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) };
  const answer = await fetch(`${engine.adminUrl}/api/v1/groups/default/pipelines/${path}`, init);
  return { status: answer.status, body: await answer.json() };
}

describe('web console: what the engine remembers', () => {
  let browser: Browser;
  let engine: RunningEngine | undefined;
  let opened: ConsolePage | undefined;
  let sink: Server | undefined;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await opened?.context.close();
    opened = undefined;
    await engine?.stop();
    engine = undefined;
    await new Promise((resolve) => (sink ? sink.close(resolve) : resolve(undefined)));
    sink = undefined;
  });

  it('a page opened after a replace, a shutdown, a start and a delete lists each with its outcome', async () => {
    engine = await startEngine(
      ONE_GENERATOR,
      [],
      FAULTS,
    );
    await engine.waitRunning();
    const described = await send(engine, 'GET', 'main');
    const spec = described.body.pipeline;
    spec.nodes.gen.config.traffic_config.signals_per_second = 30;
    const replace = await send(engine, 'PUT', 'main', { pipeline: spec });
    expect(replace.status).toBe(202);
    await engine.waitFor(async () => (await engine!.pipeline()).rollout?.state === 'succeeded', 'the replace to end');
    const shutdown = await send(engine, 'POST', 'main/shutdown?wait=true');
    expect(shutdown.status).toBe(200);
    const start = await send(engine, 'POST', 'main/start');
    expect(start.status).toBe(202);
    await engine.waitFor(async () => (await engine!.pipeline()).rollout?.state === 'succeeded', 'the start to end');

    // Opened after all of it: the history comes from the engine's records.
    opened = await openConsole(browser, `${engine.adminUrl}/`);
    const { page } = opened;
    const rows = page.locator('table.history tbody tr');
    await eventually(() => rows.count()).toBe(3);
    const row = (id: string) => page.locator(`table.history tr[data-operation="${id}"]`);
    await expect(row(replace.body.rolloutId).getAttribute('data-state')).resolves.toBe('succeeded');
    await expect(row(replace.body.rolloutId).textContent()).resolves.toContain('rollout replace → generation 2');
    await expect(row(shutdown.body.shutdownId).getAttribute('data-state')).resolves.toBe('succeeded');
    await expect(row(start.body.rolloutId).textContent()).resolves.toContain('rollout create → generation 3');
    // Newest first.
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-operation')))).toEqual([
      start.body.rolloutId,
      shutdown.body.shutdownId,
      replace.body.rolloutId,
    ]);

    // This engine keeps no log lines: the page says how to have them.
    await expect(page.locator('#logs').textContent()).resolves.toContain('log tap is off');

    // A delete made elsewhere while the page is open: its drain enters the history live (no call of the page's).
    const deleted = await send(engine, 'DELETE', 'main');
    expect(deleted.status).toBe(200);
    await eventually(() => page.locator('[data-pipeline]').count()).toBe(0);
    await eventually(() => row(deleted.body.shutdown.shutdownId).getAttribute('data-state')).toBe('succeeded');

    // A new page, after the pipeline is gone, still shows all four.
    await opened.context.close();
    opened = await openConsole(browser, `${engine.adminUrl}/`);
    await eventually(() => opened!.page.locator('table.history tbody tr').count()).toBe(4);
    await expect(opened.page.locator('table.history').textContent()).resolves.toContain('default:main');
    expect(foreignRequests(opened.requests, new URL(engine.adminUrl).origin)).toEqual([]);
    expect(opened.errors).toEqual([]);
  });

  it('shows the engine\'s log lines live, filtered by level, with no secret of the config; and the items a peer rejected as dropped in the graph', async () => {
    const secret = 'console-SECRET-5d1c9e';
    const replaced = 'console-REPLACED-SECRET-77a2';
    // Where the exporter sends, with the secret in its headers. Each answer is a partial success that rejects one log
    // record (ExportLogsServiceResponse { partial_success { rejected_log_records: 1 } }): the exporter drops it.
    const rejectOne = Buffer.from([0x0a, 0x02, 0x08, 0x01]);
    sink = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(rejectOne));
    });
    await new Promise<void>((resolve) => sink!.listen(0, '127.0.0.1', resolve));
    const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
    engine = await startEngine(
      `
version: otel_dataflow/v1
engine:
  telemetry:
    logs:
      level: debug
      tap: { enabled: true }
groups:
  default:
    pipelines:
      main:
        policies: { resources: { core_allocation: { type: core_count, count: 1 } } }
        nodes:
          gen: { type: receiver:traffic_generator, config: { data_source: synthetic, traffic_config: { signals_per_second: 20, log_weight: 1 } } }
          out: { type: exporter:otlp_http, config: { endpoint: "${sinkUrl}", http: { headers: { authorization: "Bearer \${env:CONSOLE_SECRET}" } } } }
        connections:
          - { from: gen, to: out }
      flaky:
        policies: { resources: { core_allocation: { type: core_count, count: 1 } } }
        nodes:
          gen: { type: receiver:traffic_generator, config: { data_source: synthetic, traffic_config: { signals_per_second: 50, log_weight: 1 } } }
          crash: { type: processor:fault, config: { crash_after_items: 100 } }
          out: { type: exporter:noop }
        connections:
          - { from: gen, to: crash }
          - { from: crash, to: out }
`,
      [],
      { ...FAULTS, CONSOLE_SECRET: secret },
    );
    await engine.waitRunning();
    opened = await openConsole(browser, `${engine.adminUrl}/`);
    const { page } = opened;
    const lines = page.locator('#logs table.logs tbody tr');
    await eventually(() => page.locator('#logs table.logs').textContent()).toContain('engine started');

    // The graph shows the items the exporter dropped, and marks the node.
    const out = page.locator('[data-pipeline="default:main"] svg.graph [data-node="out"]');
    await eventually(() => out.locator('.node-loss').textContent()).toMatch(/dropped [1-9]/);
    expect(await out.locator('.box-loss').count()).toBe(1);

    // The instance of flaky crashes: the supervisor's warning names the pipeline and core it is about.
    const crashed = page.locator('#logs tr[data-level="WARN"]', { hasText: 'instance crashed' }).first();
    await eventually(() => crashed.textContent(), 30_000).toContain('default/flaky core 0');

    // Live: a replace sent after the page opened (with a new secret) shows up as the admin API's line about it.
    const spec = (await send(engine, 'GET', 'main')).body.pipeline;
    spec.nodes.out.config.http.headers.authorization = `Bearer ${replaced}`;
    spec.nodes.gen.config.traffic_config.signals_per_second = 30;
    expect((await send(engine, 'PUT', 'main', { pipeline: spec })).status).toBe(202);
    await eventually(() => page.locator('#logs table.logs').textContent()).toMatch(/admin request.*method=PUT/);

    // The level filter: warnings and above only, then everything again.
    const levels = () => lines.evaluateAll((trs) => [...new Set(trs.map((tr) => tr.getAttribute('data-level')))].sort());
    await eventually(levels).toEqual(expect.arrayContaining(['DEBUG', 'INFO', 'WARN']));
    await page.getByLabel('Lowest level shown').selectOption('WARN');
    await eventually(levels).toEqual(['WARN']);
    await page.getByLabel('Lowest level shown').selectOption('TRACE');
    await eventually(levels).toEqual(expect.arrayContaining(['DEBUG', 'INFO', 'WARN']));

    // No secret anywhere: not in the page, not in the tap it reads, not in what the engine wrote.
    await eventually(async () => (await engine!.pipeline()).rollout?.state, 30_000).toBe('succeeded');
    const tap = await (await fetch(`${engine.adminUrl}/api/v1/telemetry/logs?limit=1000`)).text();
    for (const text of [await page.content(), await page.locator('body').innerText(), tap, engine.lines.join('\n'), engine.stderr()]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(replaced);
    }
    expect(foreignRequests(opened.requests, new URL(engine.adminUrl).origin)).toEqual([]);
    expect(opened.errors).toEqual([]);
  });

  it('a replace that fails shows why on the card, on its core and in the history, while the old generation serves on', async () => {
    engine = await startEngine(
      ONE_GENERATOR,
      [],
      FAULTS,
    );
    await engine.waitRunning();
    opened = await openConsole(browser, `${engine.adminUrl}/`);
    const { page } = opened;
    const card = page.locator('[data-pipeline="default:main"]');
    await card.locator('svg.graph').waitFor();

    // The new generation's start fails: the rollout goes back to generation 1.
    const spec = (await send(engine, 'GET', 'main')).body.pipeline;
    spec.nodes.broken = { type: 'processor:fault', config: { start: 'fail' } };
    spec.connections = [{ from: 'gen', to: 'broken' }, { from: 'broken', to: 'out' }];
    const put = await send(engine, 'PUT', 'main', { pipeline: spec });
    expect(put.status).toBe(202);
    await engine.waitFor(async () => (await engine!.pipeline()).rollout?.state === 'failed', 'the rollout to fail', 30_000);
    const reason = (await engine.pipeline()).rollout!.failureReason!;
    expect(reason.length).toBeGreaterThan(0);

    const line = card.locator('.rollout-line');
    await eventually(() => line.getAttribute('data-rollout-state')).toBe('failed');
    expect(await line.textContent()).toContain(reason);
    // The core's rollout state says where it failed, and why.
    await eventually(() => card.locator('table.cores tr[data-core="0"] td').nth(0).textContent()).toMatch(/^failed.*fault injected: start failed/);
    const row = page.locator(`table.history tr[data-operation="${put.body.rolloutId}"]`);
    await eventually(() => row.getAttribute('data-state')).toBe('failed');
    expect(await row.locator('td.tone-bad').textContent()).toContain(reason);
    // Generation 1 serves on.
    expect(await card.locator('.badge').allTextContents()).toContain('generation 1');
    expect(opened.errors).toEqual([]);
  });
});
