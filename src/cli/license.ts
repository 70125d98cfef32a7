// `--license`, as upstream has it: the engine's license, then a notice of the third-party software it runs with (each
// package of its production dependency tree, with version and declared license), read from the installed packages.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LICENSE_URLS: Record<string, string> = { 'Apache-2.0': 'https://www.apache.org/licenses/LICENSE-2.0' };

interface Manifest {
  name: string;
  version: string;
  license?: string | { type?: string };
  licenses?: Array<{ type?: string }>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readManifest(file: string): Manifest {
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

function licenseOf(m: Manifest): string {
  if (typeof m.license === 'string') return m.license;
  if (m.license?.type) return m.license.type;
  const listed = (m.licenses ?? []).map((l) => l.type).filter(Boolean);
  return listed.length > 0 ? listed.join(' OR ') : 'UNKNOWN';
}

/** Where Node would find package `name` from `dir`: the nearest node_modules up the tree that has it. */
function findPackage(name: string, dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    if (basename(at) !== 'node_modules') {
      const candidate = join(at, 'node_modules', name, 'package.json');
      if (existsSync(candidate)) return candidate;
    }
    if (dirname(at) === at) return undefined;
  }
}

/** `name version license` of every package the engine depends on at run time, sorted, each once. */
export function thirdPartyPackages(root = PACKAGE_ROOT): Array<{ name: string; version: string; license: string }> {
  const found = new Map<string, { name: string; version: string; license: string }>();
  const visit = (manifestFile: string): void => {
    const manifest = readManifest(manifestFile);
    const deps = { ...manifest.dependencies, ...manifest.optionalDependencies };
    for (const dep of Object.keys(deps)) {
      const file = findPackage(dep, dirname(manifestFile));
      // Not installed: an optional dependency meant for another platform.
      if (file === undefined) continue;
      const m = readManifest(file);
      const key = `${m.name}@${m.version}`;
      if (found.has(key)) continue;
      found.set(key, { name: m.name, version: m.version, license: licenseOf(m) });
      visit(file);
    }
  };
  visit(join(root, 'package.json'));
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

export function licenseText(root = PACKAGE_ROOT): string {
  const own = readManifest(join(root, 'package.json'));
  const license = licenseOf(own);
  const url = LICENSE_URLS[license];
  const packages = thirdPartyPackages(root);
  const width = Math.max(...packages.map((p) => `${p.name} ${p.version}`.length));
  return [
    `${own.name} ${own.version} is licensed under ${license}${url ? ` (${url})` : ''}.`,
    '',
    '--- Third-party notices ---',
    '',
    `${own.name} runs with these packages, each under its own license (its text is in the package's directory):`,
    ...packages.map((p) => `  ${`${p.name} ${p.version}`.padEnd(width)}  ${p.license}`),
    '',
  ].join('\n');
}
