// The engine's version for the instrumentation scope, from the package.json above this file (in src/ under tests,
// in dist/src/ when built). Read once per receiver start, never per scrape.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function scopeVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'otap-engine') return pkg.version ?? '';
    } catch {
      // not here: go up
    }
    dir = dirname(dir);
  }
  return '';
}
