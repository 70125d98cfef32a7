// The OpenAPI document against the Express app it describes: every registered route is documented with its methods and
// every documented path is registered; the document is well formed (unique operation ids, declared path parameters,
// every schema compiles in strict mode); and the copy in docs/ is what the engine serves.
import { readFileSync } from 'node:fs';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminApp } from '../../src/admin/app.js';
import { openApiDocument } from '../../src/admin/openapi/document.js';
import { ERROR_REGISTRY } from '../../src/admin/errors.js';
import { HTTP_METHODS, openApiValidator, templateParams } from '../support/openapi.js';
import { OPENAPI_DOCS_FILE, openApiDocsText } from '../support/write-openapi.js';
import { captureLogger, startHarness, type Harness } from './helpers.js';
import { createTestBackend } from './test-backend.js';

const doc = openApiDocument() as Record<string, any>;

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: RouterLayer[] };
  rawPath?: unknown;
}

/**
 * `METHOD /path/{param}` of every route of the app, nested routers included (router 2 keeps a mount's path as
 * `rawPath`). OPTIONS and the catch-all that answers 405 are registered on every path by resource() and described once
 * in the document's introduction, not per path.
 */
function registeredRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: RouterLayer[], prefix: string): void => {
    for (const layer of stack) {
      if (layer.route) {
        const path = `${prefix}${layer.route.path}`.replace(/:(\w+)/g, '{$1}');
        for (const method of Object.keys(layer.route.methods)) {
          if (method !== '_all' && method !== 'options') found.push(`${method.toUpperCase()} ${path}`);
        }
      } else if (layer.handle.stack) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  walk((app as unknown as { router: { stack: RouterLayer[] } }).router.stack, '');
  return found.sort();
}

function documentedRoutes(): string[] {
  const found: string[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    for (const method of HTTP_METHODS) if (item[method] !== undefined) found.push(`${method.toUpperCase()} ${path}`);
  }
  return found.sort();
}

function operations(): Array<{ route: string; path: string; op: Record<string, any> }> {
  return Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    HTTP_METHODS.filter((m) => item[m] !== undefined).map((m) => ({ route: `${m.toUpperCase()} ${path}`, path, op: item[m] })),
  );
}

function resolveParameter(p: Record<string, any>): Record<string, any> {
  if (typeof p.$ref !== 'string') return p;
  return doc.components.parameters[(p.$ref as string).split('/').pop()!];
}

describe('OpenAPI document vs the Express app', () => {
  it('documents every registered route with its method, and registers every documented one', () => {
    const app = createAdminApp({ backend: createTestBackend(), logger: captureLogger().logger });
    const registered = registeredRoutes(app);
    // The walk itself must see the app, or the comparison below would pass on two empty lists.
    expect(registered).toContain('PUT /api/v1/groups/{group}/pipelines/{pipeline}');
    expect(registered).toContain('GET /status');
    expect(documentedRoutes()).toEqual(registered);
  });
});

describe('OpenAPI document structure', () => {
  it('is OpenAPI 3.1 with unique operation ids and a bearer scheme; only the probes and the console page are open', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    const ids = operations().map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    const open = operations().filter((o) => Array.isArray(o.op.security) && o.op.security.length === 0).map((o) => o.route);
    expect(open.sort()).toEqual(['GET /', 'GET /api/v1/livez', 'GET /api/v1/readyz', 'GET /dashboard']);
    for (const { route, op } of operations()) {
      expect(op.responses['401'] === undefined, route).toBe(open.includes(route));
    }
  });

  it('declares every path parameter of every template, and no other', () => {
    for (const { route, path, op } of operations()) {
      const declared = (op.parameters ?? []).map(resolveParameter).filter((p: any) => p.in === 'path');
      expect(declared.map((p: any) => p.name).sort(), route).toEqual(templateParams(path).sort());
      expect(declared.every((p: any) => p.required === true), route).toBe(true);
    }
  });

  it('gives every error status the status of its codes in the registry', () => {
    const statuses = new Set(Object.values(ERROR_REGISTRY).map((e) => String(e.status)));
    for (const { route, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses as Record<string, any>)) {
        const schema = response.content?.['application/json']?.schema;
        if (schema?.$ref !== '#/components/schemas/ErrorBody') continue;
        expect(statuses.has(status), `${route} ${status}`).toBe(true);
        for (const [, code] of (response.description as string).matchAll(/`(\w+)`/g)) {
          expect(String(ERROR_REGISTRY[code as keyof typeof ERROR_REGISTRY]?.status), `${route} ${code}`).toBe(status);
        }
      }
    }
  });

  it('compiles every schema of the document in strict mode (every $ref resolves)', () => {
    const validator = openApiValidator(doc);
    const body = { kind: 'internal', error_code: 'Internal', message: 'internal error', details: {} };
    for (const { path, op } of operations()) {
      const concrete = path.replace(/\{[^}]+\}/g, 'x');
      for (const [status, response] of Object.entries(op.responses as Record<string, any>)) {
        for (const mediaType of Object.keys(response.content ?? {})) {
          // Compiling is the point; the body only has to reach the validator.
          validator.check(Object.keys(doc.paths[path]).find((m) => doc.paths[path][m] === op)!, concrete, Number(status), mediaType, body);
        }
      }
    }
    expect(validator.check('get', '/api/v1/status', 500, 'application/json', body)).toEqual([]);
    expect(validator.check('get', '/api/v1/status', 500, 'application/json', { ...body, error_code: 'Nope' })).not.toEqual([]);
  });
});

describe('docs/admin/openapi.json', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(createTestBackend());
  });
  afterAll(async () => {
    await h.server.close();
  });

  it('is what GET /api/v1/openapi.json serves', async () => {
    const res = await fetch(`${h.base}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const served = await res.json();
    expect(served).toEqual(doc);
    const copy = readFileSync(OPENAPI_DOCS_FILE, 'utf8');
    expect(copy === openApiDocsText(), 'docs/admin/openapi.json is stale: run `npm run docs:openapi`').toBe(true);
    expect(JSON.parse(copy)).toEqual(served);
  });
});
