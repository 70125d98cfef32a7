// A real headless Chromium (Debian's `chromium`, driven by playwright-core) for the console's acceptance tests, with
// every request each page makes recorded, so a test can check that none went anywhere but the engine.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BUILT_CONSOLE = fileURLToPath(new URL('../../dist/console/main.js', import.meta.url));

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(BUILT_CONSOLE)) throw new Error('dist/console is missing: run `npm run build` (it builds the console too)');
  // Chromium's sandbox refuses to start as root (CI containers); elsewhere it stays on.
  const args = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** Every URL the page asked for, in order. */
  requests: string[];
  /** Console errors and uncaught exceptions (a CSP violation shows here). */
  errors: string[];
}

export async function openConsole(browser: Browser, url: string, viewport = { width: 1280, height: 900 }): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  // context-level: requests of workers and of every frame count too.
  context.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  // Chromium's console names no URL for a failed load: record it here.
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(url);
  return { page, context, requests, errors };
}

/** The requests that went anywhere but `origin`. */
export function foreignRequests(requests: string[], origin: string): string[] {
  return requests.filter((url) => new URL(url).origin !== origin);
}
