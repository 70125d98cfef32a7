// `ctl` stays a light client and the engine never carries it: the ctl modules import nothing of the engine at run time
// (type-only imports vanish when compiled), and neither the engine's entry nor anything it imports reaches src/cli/ctl.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const CTL = join(SRC, 'cli/ctl');

/** Relative modules a file imports at run time (not `import type`). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+'(\.{1,2}\/[^']+)'|import\('(\.{1,2}\/[^']+)'\)/gm)].map((m) =>
    resolve(join(file, '..'), (m[1] ?? m[2]!).replace(/\.js$/, '.ts')),
  );
}

function allSourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allSourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('ctl and the engine keep apart', () => {
  it('ctl imports only its own modules', () => {
    const files = allSourceFiles(CTL);
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      for (const target of runtimeImports(file)) expect(target.startsWith(CTL), `${file} imports ${target}`).toBe(true);
    }
  });

  it('nothing outside ctl imports it, and bin/otap-engine loads it only for `ctl`', () => {
    for (const file of allSourceFiles(SRC).filter((f) => !f.startsWith(CTL))) {
      for (const target of runtimeImports(file)) expect(target.startsWith(CTL), `${file} imports ${target}`).toBe(false);
    }
    const bin = readFileSync(fileURLToPath(new URL('../../bin/otap-engine', import.meta.url)), 'utf8');
    expect(bin).not.toMatch(/^import .*ctl/m);
    expect(bin).toMatch(/ctl\s*\?\s*import\('\.\.\/dist\/cli\/ctl\/main\.js'\)/);
  });
});
