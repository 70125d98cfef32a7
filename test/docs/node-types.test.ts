// The node types a user reads about are the ones the engine has, both ways: the table of docs/configuration.md lists
// exactly the registry of a user-started engine, each row links the page of its type, every page under docs/nodes/ is
// either in that table or a test-only node's page that says so, and test-only nodes appear nowhere in the list.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinCatalog, testEngineCatalog, testOnlyNodeUrns } from '../../src/nodes/catalog.js';

// What a user's engine accepts.
const knownNodeUrns = builtinCatalog.nodeUrns;
import { ROOT } from '../support/docs.js';

const DOCS = join(ROOT, 'docs');
const urnOf = (short: string): string => `urn:otel:${short}`;

/** Rows of the table under `## Node types`: the type as written and the page it links. */
function tableRows(): Array<{ type: string; page: string }> {
  const text = readFileSync(join(DOCS, 'configuration.md'), 'utf8');
  const section = text.slice(text.indexOf('\n## Node types'));
  const end = section.indexOf('\n## ', 1);
  const body = end === -1 ? section : section.slice(0, end);
  return [...body.matchAll(/^\| \[`([a-z_]+:[a-z_]+)`\]\(nodes\/([a-z_]+\.md)\) \|/gm)].map((m) => ({ type: m[1]!, page: m[2]! }));
}

/** Every page under docs/nodes/ with the type its title names (`# \`kind:id\``). */
function nodePages(): Array<{ page: string; type: string | undefined; text: string }> {
  return readdirSync(join(DOCS, 'nodes'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((page) => {
      const text = readFileSync(join(DOCS, 'nodes', page), 'utf8');
      return { page, type: /^# `([a-z_]+:[a-z_]+)`$/m.exec(text)?.[1], text };
    });
}

describe('node types in the docs and in the registry', () => {
  it('configuration.md lists every type the engine accepts, and no other', () => {
    const listed = tableRows().map((r) => urnOf(r.type));
    expect(listed.length).toBeGreaterThan(10);
    expect(new Set(listed).size, 'a type listed twice').toBe(listed.length);
    expect([...listed].sort()).toEqual(knownNodeUrns());
  });

  it('each row links the page of its own type, and every page has a row unless it is a test-only node', () => {
    const pages = nodePages();
    const byPage = new Map(pages.map((p) => [p.page, p]));
    for (const row of tableRows()) {
      expect(byPage.get(row.page)?.type, `${row.type} links nodes/${row.page}`).toBe(row.type);
    }
    const linked = new Set(tableRows().map((r) => r.page));
    const testOnly = new Set(testOnlyNodeUrns());
    for (const page of pages) {
      expect(page.type, `docs/nodes/${page.page} names its type in its title`).toBeDefined();
      const urn = urnOf(page.type!);
      if (testOnly.has(urn)) {
        expect(linked.has(page.page), `test-only ${page.type} is not in the user's list`).toBe(false);
        expect(page.text).toMatch(/for the engine's own tests only/i);
      } else {
        expect(linked.has(page.page), `docs/nodes/${page.page} is in the list of node types`).toBe(true);
      }
    }
  });

  it('test-only nodes are absent from a user-started engine and documented as such', () => {
    expect(testOnlyNodeUrns()).toContain('urn:otel:processor:fault');
    const documented = new Set(nodePages().map((p) => p.type && urnOf(p.type)));
    for (const urn of testOnlyNodeUrns()) {
      expect(knownNodeUrns()).not.toContain(urn);
      expect(testEngineCatalog.nodeUrns()).toContain(urn);
      expect(documented.has(urn), `${urn} has a page`).toBe(true);
    }
  });
});
