// Where config text comes from: `--config` takes a path, `file:PATH`, `env:VAR` (YAML in a variable) or
// `yaml:INLINE`. A source that cannot be read is an operator mistake, reported with a ConfigLoadError.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

export type ConfigLoadErrorCode = 'FileNotFound' | 'FileUnreadable' | 'EnvVarUnset' | 'EmptySource';

export class ConfigLoadError extends Error {
  override readonly name = 'ConfigLoadError';
  constructor(
    readonly code: ConfigLoadErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface LoadedConfigText {
  text: string;
  /** Where the text came from, for logs: an absolute path, `env:VAR` or `yaml:inline`. */
  origin: string;
}

export async function loadConfigText(
  source: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<LoadedConfigText> {
  if (source.startsWith('yaml:')) return nonEmpty(source.slice('yaml:'.length), 'yaml:inline');
  if (source.startsWith('env:')) {
    const name = source.slice('env:'.length);
    const text = env[name];
    if (text === undefined) {
      throw new ConfigLoadError('EnvVarUnset', `config source env:${name}: environment variable ${name} is not set`);
    }
    return nonEmpty(text, `env:${name}`);
  }
  const path = source.startsWith('file:') ? source.slice('file:'.length) : source;
  return nonEmpty(await readText(path), resolve(path));
}

async function readText(path: string): Promise<string> {
  if (path === '') throw new ConfigLoadError('FileNotFound', 'config source names no file');
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigLoadError('FileNotFound', `config file ${path} does not exist`);
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigLoadError('FileUnreadable', `config file ${path} cannot be read: ${reason}`);
  }
}

// An empty document parses to null, which would surface as a puzzling schema error; say what happened instead.
function nonEmpty(text: string, origin: string): LoadedConfigText {
  if (text.trim() === '') throw new ConfigLoadError('EmptySource', `config source ${origin} is empty`);
  return { text, origin };
}
