// Builds the web console (src/console, browser code) into dist/console, where the admin server serves it: the
// TypeScript through its own tsconfig (DOM types, browser modules), then the page, its style sheet and icon as they are.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.console.json')], { stdio: 'inherit' });

const source = join(root, 'src', 'console');
const target = join(root, 'dist', 'console');
mkdirSync(target, { recursive: true });
for (const name of readdirSync(source)) {
  if (/\.(html|css|svg)$/.test(name)) copyFileSync(join(source, name), join(target, name));
}
