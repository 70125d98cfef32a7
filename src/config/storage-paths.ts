// Directories nodes keep durable state in (a durable buffer's `path`). Each belongs to one node: two nodes, in one
// pipeline or in two, on the same directory or one inside the other would adopt and delete each other's data. And a
// directory the engine cannot write fails every instance at start; when the engine is about to run the config here it
// is an error at validation, while `--validate-and-exit` (which judges the file, not this machine) only warns.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { configError, configWarning, type ConfigError, type ConfigWarning, type PathSegment } from './errors.js';
import { pipelineLabel, type CoreCheck, type PipelineLocation, type ResolvedNode } from './model.js';

export interface StorageEntry {
  pipeline: string;
  node: string;
  /** Absolute (resolved against the engine's working directory, as instances resolve it). */
  dir: string;
  path: readonly PathSegment[];
}

export interface StorageCheck {
  errors: ConfigError[];
  warnings: ConfigWarning[];
  entries: StorageEntry[];
}

export function checkStoragePaths(nodes: ReadonlyMap<string, ResolvedNode>, coreCheck: CoreCheck, at: PipelineLocation): StorageCheck {
  const out: StorageCheck = { errors: [], warnings: [], entries: [] };
  for (const node of nodes.values()) {
    if (!node.config || !node.descriptor.storage) continue;
    const storage = node.descriptor.storage(node.config);
    const dir = resolve(storage.dir);
    const path = [...at.base, 'nodes', node.name, 'config', ...storage.field];
    out.entries.push({ pipeline: pipelineLabel(at), node: node.name, dir, path });
    const problem = unwritable(dir);
    if (problem === undefined) continue;
    const message = `${dir} cannot hold node ${node.name}'s data: ${problem}`;
    if (coreCheck === 'enforce') out.errors.push(configError(path, 'StoragePathUnwritable', message));
    else out.warnings.push(configWarning(path, `${message} (on this machine)`));
  }
  return out;
}

/** Two nodes anywhere in the config on the same directory, or one inside the other's: each is reported, naming the other. */
export function findStorageConflicts(entries: readonly StorageEntry[]): ConfigError[] {
  const errors: ConfigError[] = [];
  entries.forEach((entry, i) => {
    const others = entries.filter((other, j) => j !== i && overlaps(entry.dir, other.dir));
    if (others.length === 0) return;
    const users = others.map((o) => `node ${o.node} of pipeline ${o.pipeline} (${o.dir})`).join(', ');
    errors.push(configError(entry.path, 'StoragePathShared', `${entry.dir} is also used by ${users}; give each its own directory`));
  });
  return errors;
}

function overlaps(a: string, b: string): boolean {
  return a === b || inside(a, b) || inside(b, a);
}

function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..';
}

/** Why the engine could not create or write `dir`, or undefined when it can: checked on the nearest part that exists. */
function unwritable(dir: string): string | undefined {
  let at = dir;
  for (;;) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(at).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR: some part on the way is a file; going up finds which.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return `${at}: ${(error as Error).message}`;
      const parent = dirname(at);
      if (parent === at) return 'no part of it exists';
      at = parent;
      continue;
    }
    if (!isDirectory) return `${at} exists and is not a directory`;
    try {
      accessSync(at, constants.W_OK | constants.X_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'EROFS' ? `${at} is on a read-only file system` : `${at} is not writable by the engine's user`;
    }
    return undefined;
  }
}
