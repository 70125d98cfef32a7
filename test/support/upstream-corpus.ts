// Upstream's example configs (../shared/upstream-configs beside the repository, with MANIFEST.tsv), read as data for
// the compatibility tests; nothing of them is copied into the project. The corpus must be there: CI lays shared/
// beside the clone, and a missing corpus is an error rather than a silent skip.
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = fileURLToPath(new URL('../../../shared/upstream-configs/', import.meta.url));

export interface CorpusEntry {
  file: string;
  cls: 'run' | 'refuse';
  /** Node (and extension) types the file uses, as the manifest lists them. */
  types: string[];
}

export function readManifest(): CorpusEntry[] {
  const manifest = join(CORPUS_DIR, 'MANIFEST.tsv');
  if (!existsSync(manifest)) throw new Error(`upstream corpus not found at ${CORPUS_DIR} (shared/ must sit beside the repository)`);
  return readFileSync(manifest, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .slice(1)
    .map((line) => {
      const [file, cls, types] = line.split('\t') as [string, string, string];
      if (cls !== 'run' && cls !== 'refuse') throw new Error(`MANIFEST.tsv: ${file} has class ${cls}`);
      return { file, cls, types: types.split(',').filter((t) => t !== '') };
    });
}

export function corpusText(file: string): string {
  return readFileSync(join(CORPUS_DIR, file), 'utf8');
}

/** `exporter:otlp_grpc` → `urn:otel:exporter:otlp_grpc`; full URNs stay. */
export function fullUrn(type: string): string {
  return type.startsWith('urn:') ? type : `urn:otel:${type}`;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The file made runnable on this machine, changing only what the acceptance allows: every port the file listens on
 * (and so every address that sends to it) becomes a free one, and absolute file paths move under a fresh temporary
 * directory. Nothing else of the text changes.
 */
export async function localised(text: string): Promise<{ yaml: string; dir: string; paths: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'otap-upstream-'));
  const ports = new Set<string>();
  for (const match of text.matchAll(/(?:listening_addr|listen_addr|bind_address|address|endpoint)\s*:\s*"?(?:[a-z]+:\/\/)?[0-9a-zA-Z.[\]:-]*?:(\d{2,5})\b/g)) {
    ports.add(match[1] as string);
  }
  let yaml = text;
  for (const port of ports) yaml = yaml.replace(new RegExp(`:${port}\\b`, 'g'), `:${await freePort()}`);
  const paths: string[] = [];
  yaml = yaml.replace(/(["'\s])(\/(?:tmp|var)\/[^\s"'#]+)/g, (_all, before: string, path: string) => {
    paths.push(join(dir, path));
    // The directory a path sits in exists where the file was written (/tmp, /var/lib/...): so it does here.
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    return `${before}${join(dir, path)}`;
  });
  return { yaml, dir, paths };
}
