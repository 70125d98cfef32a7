// The web console (docs/console.md): its page at `/` and `/dashboard`, its scripts and styles under `/console/`, and
// the live feed it reads at `/api/v1/events`. The page and its assets hold no engine data, so they are served without
// the token (a browser cannot send a bearer token when it navigates); the page asks for the token and sends it with
// every API call, and the feed is behind the same check as every other API path.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Express, type RequestHandler } from 'express';
import { requireBearerToken, type AdminTokenSource } from '../auth.js';
import { resource } from '../resource.js';
import { createStatusStream, type StatusStreamOptions } from '../status-stream.js';
import type { LiveAdminBackend, TelemetryReader } from '../../state/commands.js';

/** Nothing but the engine's own origin: no inline script or style, no CDN, no framing, no form posted anywhere. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const CONSOLE_PAGES = ['/', '/dashboard'] as const;
export const EVENTS_PATH = '/api/v1/events';

/** Where the build puts the compiled console (dist/console beside dist/admin). */
const BUILT_CONSOLE_DIR = fileURLToPath(new URL('../../console/', import.meta.url));

/** The browser build of the `yaml` package (a dependency already), which the pipeline editor loads on demand. */
function yamlBrowserDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('yaml/package.json')), 'browser', 'dist');
}

export interface ConsoleOptions {
  backend: LiveAdminBackend;
  auth?: AdminTokenSource;
  /** The compiled console (default: dist/console). */
  assetsDir?: string;
  stream?: StatusStreamOptions;
  /** The log tap the feed sends lines of; absent, the feed says the tap is off. */
  logs?: TelemetryReader['logs'];
}

function staticFiles(dir: string): RequestHandler {
  // Cache-Control stays the app's no-store: a console upgraded with the engine must never run stale scripts.
  return express.static(dir, {
    index: false,
    redirect: false,
    cacheControl: false,
    etag: false,
    lastModified: false,
    fallthrough: true,
    setHeaders: (res) => res.setHeader('Content-Security-Policy', CONSOLE_CSP),
  });
}

function pageHandler(assetsDir: string): RequestHandler {
  let page: Promise<string | undefined> | undefined;
  return async (_req, res) => {
    page ??= readFile(join(assetsDir, 'index.html'), 'utf8').catch(() => undefined);
    const html = await page;
    if (html === undefined) {
      page = undefined;
      res.status(503).type('text/plain').send('the web console is not built: run `npm run build`\n');
      return;
    }
    res.status(200).type('html').setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.send(html);
  };
}

/**
 * Mounted before the app-wide token check (admin/app.ts), so that the page loads without a token; the feed checks the
 * token itself with the same middleware.
 */
export function mountConsole(app: Express, options: ConsoleOptions): void {
  const assetsDir = options.assetsDir ?? BUILT_CONSOLE_DIR;
  const stream = createStatusStream(options.backend, options.stream, options.logs);
  const router = Router();
  for (const path of CONSOLE_PAGES) resource(router, path, { get: pageHandler(assetsDir) });
  router.use('/console/vendor/yaml', staticFiles(yamlBrowserDir()));
  router.use('/console', staticFiles(assetsDir));

  if (options.auth !== undefined) router.all(EVENTS_PATH, requireBearerToken({ source: options.auth, publicPaths: new Set() }));
  resource(router, EVENTS_PATH, {
    get: (req, res) => {
      if (req.method === 'HEAD') {
        res.status(200).type('text/event-stream').end();
        return;
      }
      stream.attach(res);
    },
  });
  app.use(router);
}
