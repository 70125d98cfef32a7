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

/**
 * Text on the page whose contrast with its background is below WCAG AA's 4.5:1, as "ratio tag.class: text". The
 * background is the first opaque one up the tree; text in SVG (painted with `fill`) is left out.
 */
export function lowContrastTexts(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const parse = (c) => {
      const m = /rgba?\\(([^)]+)\\)/.exec(c);
      if (!m) return null;
      const p = m[1].split(',').map((s) => parseFloat(s));
      return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
    };
    const channel = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
    const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c.a > 0.5) return c;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    const found = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      const text = (node.textContent || '').trim();
      if (!el || text === '' || el.closest('svg') || el.getClientRects().length === 0) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden') continue;
      const [hi, lo] = [luminance(parse(style.color)), luminance(background(el))].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05);
      if (ratio < 4.5) found.add(ratio.toFixed(2) + ' ' + el.tagName.toLowerCase() + '.' + el.className + ': ' + text.slice(0, 40));
    }
    return [...found];
  })()`);
}

/** True when the page itself is no wider than the window: wide tables and graphs scroll inside their own boxes. */
export function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');
}
