// The project's Markdown files (README.md and everything under docs/), for the tests that keep the docs true.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** README.md and every Markdown file under docs/, as absolute paths. */
export function projectMarkdown(): string[] {
  return [join(ROOT, 'README.md'), ...markdownFiles(join(ROOT, 'docs'))];
}
