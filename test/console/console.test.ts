// Acceptance of the web console (#16), in a real headless Chromium against a real engine: the page lists a running
// pipeline and draws its graph; a replace applied from the page's editor shows both generations during the overlap
// and ends `succeeded`; with a token set, nothing of the engine is shown before the token is entered; and no request of
// the page goes anywhere but the engine.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startEngine, type RunningEngine } from '../support/engine.js';
import { fitsWidth, foreignRequests, launchBrowser, lowContrastTexts, openConsole, type ConsolePage } from './browser.js';

// A fault node that waits before it starts makes every new generation take seconds to become ready: the overlap of
// the old and the new generation lasts long enough for the page (one status a second) to show it.
const CONFIG = `
version: otel_dataflow/v1
engine:
  telemetry:
    logs:
      tap: { enabled: true }
groups:
  default:
    pipelines:
      main:
        policies: { resources: { core_allocation: { type: core_count, count: 1 } } }
        nodes:
          gen: { type: receiver:traffic_generator, config: { data_source: synthetic, traffic_config: { signals_per_second: 50, log_weight: 1 } } }
          slow: { type: processor:fault, config: { start: ok, start_delay: 3s } }
          out: { type: exporter:noop }
        connections:
          - { from: gen, to: slow }
          - { from: slow, to: out }
  tenants:
    pipelines: {}
`;
const FAULTS = { OTAP_ENGINE_ENABLE_FAULT_INJECTION: '1' };
// `CONSOLE_SCREENSHOTS=docs npx vitest run test/console` writes the pictures docs/console.md shows.
const SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS;

/** The page redraws once a second and loads its YAML parser on demand: give each expectation time to come true. */
function eventually<T>(read: () => Promise<T>, timeout = 20_000) {
  return expect.poll(read, { timeout });
}

describe('web console', () => {
  let browser: Browser;
  let engine: RunningEngine | undefined;
  let opened: ConsolePage | undefined;

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
  });

  it('lists a running pipeline and draws its graph with live counters, asking only the engine', async () => {
    engine = await startEngine(CONFIG, [], FAULTS);
    await engine.waitRunning();
    opened = await openConsole(browser, `${engine.adminUrl}/`);
    const { page } = opened;
    const card = page.locator('[data-pipeline="default:main"]');
    await card.waitFor();
    await eventually(() => card.locator('.badge').allTextContents()).toContain('actual running');
    await expect(page.locator('[data-group="tenants"]').textContent()).resolves.toContain('No pipelines');
    // The graph: one box per node and one arrow per connection, from GET .../pipelines/main.
    const graph = card.locator('svg.graph');
    await graph.waitFor();
    expect(await graph.locator('g.node').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-node')))).toEqual(['gen', 'slow', 'out']);
    expect(await graph.locator('path.edge').count()).toBe(2);
    // Counters arrive with heartbeats: the generator's items flow out of it.
    await eventually(() => graph.locator('[data-node="gen"] .node-flow').textContent()).toMatch(/out [1-9]/);
    // Per core: the instance with its pid and phase.
    const status = await engine.pipeline();
    const instance = card.locator('table.cores tr[data-core] td[data-generation="1"]');
    await eventually(() => instance.textContent()).toContain(`pid ${status.instances[0]!.pid}`);
    expect(await instance.textContent()).toMatch(/CPU \d+\.\d% · RSS \d/);
    // Throughput: the chart has drawn both lines, and says what it shows to a screen reader.
    const chart = card.locator('svg.chart');
    await eventually(() => chart.getAttribute('aria-label')).toMatch(/now [1-9][\d.]*k?\/s in, [1-9][\d.]*k?\/s out/);
    expect(await chart.locator('path.chart-in, path.chart-out').count()).toBe(2);
    // Every text of the page is readable: at least 4.5:1 against its background; the page is no wider than 1280 px.
    expect(await lowContrastTexts(page)).toEqual([]);
    expect(await fitsWidth(page)).toBe(true);

    // The dashboard path serves the same page.
    const dashboard = await page.request.get(`${engine.adminUrl}/dashboard`);
    expect(dashboard.status()).toBe(200);
    expect(dashboard.headers()['content-security-policy']).toContain("default-src 'self'");
    expect(opened.requests.length).toBeGreaterThan(3);
    expect(foreignRequests(opened.requests, new URL(engine.adminUrl).origin)).toEqual([]);
    expect(opened.errors).toEqual([]);
  });

  it('applies a replace from the editor: dry run, both generations side by side, then succeeded', async () => {
    engine = await startEngine(CONFIG, [], FAULTS);
    await engine.waitRunning();
    opened = await openConsole(browser, `${engine.adminUrl}/dashboard`);
    const { page } = opened;
    const card = page.locator('[data-pipeline="default:main"]');
    await card.locator('svg.graph').waitFor();
    await eventually(() => card.locator('[data-node="out"] .node-flow').textContent()).toMatch(/in [1-9]/);

    // Keyboard: Enter opens the editor, Escape closes it and gives the focus back to the button.
    const edit = card.getByRole('button', { name: 'Edit config' });
    await edit.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    await eventually(() => page.getByRole('dialog').getByLabel('Pipeline config').evaluate((e) => e === e.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    expect(await edit.evaluate((e) => e === e.ownerDocument.activeElement)).toBe(true);

    await edit.click();
    const editor = page.getByRole('dialog');
    const text = editor.getByLabel('Pipeline config');
    await eventually(() => text.inputValue()).toContain('signals_per_second: 50');
    await text.fill((await text.inputValue()).replace('signals_per_second: 50', 'signals_per_second: 80'));

    await editor.getByRole('button', { name: 'Dry run' }).click();
    await eventually(() => editor.locator('.editor-result').textContent()).toContain('Plan: replace');
    expect(await editor.locator('.diff').textContent()).toContain('signals_per_second');
    expect(await engine.pipeline().then((s) => s.activeGeneration)).toBe(1);

    await editor.getByRole('button', { name: 'Apply' }).click();
    await eventually(() => editor.locator('pre').getAttribute('data-status')).toBe('202');
    await editor.getByRole('button', { name: 'Close' }).click();

    // During the overlap one row (the core) holds an instance of each generation.
    const row = card.locator('table.cores tr[data-core]').first();
    await row.locator('td[data-generation="2"]').waitFor({ timeout: 20_000 });
    expect(await row.locator('td[data-generation="1"]').count()).toBe(1);
    expect(await card.locator('table.cores caption').textContent()).toContain('2 generations side by side');
    if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, 'console-rollout.png'), fullPage: true });

    await eventually(() => card.locator('.rollout-line').getAttribute('data-rollout-state'), 30_000).toBe('succeeded');
    await eventually(() => page.locator('table.history tr[data-state="succeeded"]').count()).toBeGreaterThan(0);
    await eventually(() => card.locator('table.cores td[data-generation="1"]').count()).toBe(0);
    const after = await engine.pipeline();
    expect(after.activeGeneration).toBe(2);
    expect(after.rollout?.state).toBe('succeeded');
    expect(foreignRequests(opened.requests, new URL(engine.adminUrl).origin)).toEqual([]);
    expect(opened.errors).toEqual([]);
  });

  it('shuts a pipeline down, starts it again and deletes it from the page, showing each answer and the history', async () => {
    engine = await startEngine(CONFIG, [], FAULTS);
    await engine.waitRunning();
    opened = await openConsole(browser, `${engine.adminUrl}/`);
    const { page } = opened;
    page.on('dialog', (dialog) => void dialog.accept());
    const card = page.locator('[data-pipeline="default:main"]');
    await card.locator('svg.graph').waitFor();

    // Keyboard only: the action buttons are reachable and work with Enter.
    await card.getByRole('button', { name: 'Shut down' }).focus();
    await page.keyboard.press('Enter');
    await eventually(() => card.locator('output.answer').textContent()).toMatch(/^HTTP 20[02]: .*"shutdownId"/);
    await eventually(() => card.locator('.badge').allTextContents()).toContain('actual stopped');
    expect(await card.locator('.badge').allTextContents()).toContain('desired stopped');
    await eventually(() => page.locator('table.history tr[data-state="succeeded"]').textContent()).toContain('shutdown');

    await card.getByRole('button', { name: 'Start' }).click();
    await eventually(() => card.locator('output.answer').textContent()).toMatch(/^HTTP 202: .*"rolloutId"/);
    await eventually(() => card.locator('.badge').allTextContents(), 30_000).toContain('actual running');
    // A second start is refused, and the page shows the API's answer as it came.
    await card.getByRole('button', { name: 'Start' }).click();
    await eventually(() => card.locator('output.answer').textContent()).toContain('PipelineRunning');

    // A delete removes the card; the page-wide notice keeps the answer, and the history the drain's outcome.
    await card.getByRole('button', { name: 'Delete' }).click();
    await eventually(() => page.locator('#notice').textContent()).toBe('delete default/main: HTTP 200');
    await eventually(() => page.locator('[data-pipeline]').count()).toBe(0);
    // The shutdown, the start (a rollout) and the delete's drain, each succeeded.
    await eventually(() => page.locator('table.history tr[data-state="succeeded"]').allTextContents()).toHaveLength(3);
    const outcomes = await page.locator('table.history tr[data-state="succeeded"] td:nth-child(3)').allTextContents();
    expect(outcomes.map((o) => /^(shutdown|rollout)/.exec(o)?.[1])).toEqual(['shutdown', 'rollout', 'shutdown']);
    expect(foreignRequests(opened.requests, new URL(engine.adminUrl).origin)).toEqual([]);
  });

  it('with a token set shows nothing of the engine before the token is entered', async () => {
    const token = 'console-test-token-42';
    engine = await startEngine(CONFIG, [], { ...FAULTS, OTAP_ENGINE_ADMIN_TOKEN: token }, { adminToken: token });
    await engine.waitRunning();
    // The feed is behind the token like every API path.
    expect((await fetch(`${engine.adminUrl}/api/v1/events`)).status).toBe(401);

    opened = await openConsole(browser, `${engine.adminUrl}/`, { width: 390, height: 844 });
    const { page } = opened;
    const input = page.getByLabel('Token', { exact: true });
    await input.waitFor();
    const before = await page.locator('body').innerText();
    expect(before).not.toContain('tenants');
    expect(before).not.toContain('default /');
    expect(await page.locator('[data-pipeline]').count()).toBe(0);

    await input.fill('wrong-token');
    await input.press('Enter');
    await eventually(() => page.locator('.token-form').textContent()).toContain('refused');
    expect(await page.locator('[data-pipeline]').count()).toBe(0);

    await page.getByLabel('Token', { exact: true }).fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-pipeline="default:main"] svg.graph').waitFor();
    // At a phone's width the page does not scroll sideways (the graph and tables scroll in their own boxes).
    expect(await fitsWidth(page)).toBe(true);
    expect(await lowContrastTexts(page)).toEqual([]);
    if (SCREENSHOTS) {
      await eventually(() => page.locator('[data-node="gen"] .node-flow').textContent()).toMatch(/out [1-9]/);
      await page.screenshot({ path: join(SCREENSHOTS, 'console-phone.png'), fullPage: true });
    }
    expect(await page.evaluate('sessionStorage.length')).toBe(1);
    expect(await page.evaluate('localStorage.length + document.cookie.length')).toBe(0);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Token', { exact: true }).waitFor();
    expect(await page.locator('[data-pipeline]').count()).toBe(0);
    expect(foreignRequests(opened.requests, new URL(engine.adminUrl).origin)).toEqual([]);
  });
});
