// The state file of `--state-dir`: what the engine committed (the config as the operator gave it, `${env:…}`
// references unsubstituted, and which pipelines an operator shut down) and what each OpAMP agent must keep across a
// restart. One JSON file, versioned: a file of another format or version is refused at start, never guessed at.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const STATE_FILE_NAME = 'state.json';
export const STATE_FORMAT = 'otap-engine/state';
export const STATE_VERSION = 1;

/** What an OpAMP agent keeps: its generated instance uid, and the last remote config it finished (applied or failed). */
export interface PersistedOpampAgent {
  instanceUid?: string;
  remoteConfig?: { hash: string; state: 'applied' | 'failed'; message: string };
}

export interface PersistedState {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  writtenAt: string;
  /** The committed config without its engine section (which always comes from the config file), references kept. */
  config: Record<string, unknown>;
  /** `group:pipeline` of each pipeline an operator shut down: it stays stopped after a restart. */
  stopped: string[];
  /** By extension name. */
  opamp: Record<string, PersistedOpampAgent>;
}

export type StateRead = { kind: 'absent' } | { kind: 'found'; state: PersistedState } | { kind: 'unusable'; reason: string };

export function stateFilePath(dir: string): string {
  return join(dir, STATE_FILE_NAME);
}

export async function readStateFile(dir: string): Promise<StateRead> {
  let text: string;
  try {
    text = await readFile(stateFilePath(dir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    return { kind: 'unusable', reason: `it cannot be read: ${(error as Error).message}` };
  }
  return parseState(text);
}

export function parseState(text: string): StateRead {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: 'unusable', reason: `it is not valid JSON (${(error as Error).message}): it may have been damaged` };
  }
  if (!isRecord(value) || value.format !== STATE_FORMAT) return { kind: 'unusable', reason: `it is not an otap-engine state file (format "${STATE_FORMAT}")` };
  if (value.version !== STATE_VERSION) {
    return { kind: 'unusable', reason: `it has format version ${JSON.stringify(value.version)}, this engine reads version ${STATE_VERSION}` };
  }
  if (!isRecord(value.config) || !isRecord(value.config.groups)) return { kind: 'unusable', reason: 'its config is missing or not a map with groups' };
  if (!Array.isArray(value.stopped) || !value.stopped.every((k) => typeof k === 'string')) return { kind: 'unusable', reason: 'its stopped list is not a list of names' };
  if (!isRecord(value.opamp) || !Object.values(value.opamp).every(isOpampAgent)) return { kind: 'unusable', reason: 'its opamp section is malformed' };
  return { kind: 'found', state: value as unknown as PersistedState };
}

export function emptyState(config: Record<string, unknown>): PersistedState {
  return { format: STATE_FORMAT, version: STATE_VERSION, writtenAt: new Date().toISOString(), config, stopped: [], opamp: {} };
}

export function serializeState(state: PersistedState): string {
  return `${JSON.stringify({ ...state, writtenAt: new Date().toISOString() }, null, 2)}\n`;
}

function isOpampAgent(value: unknown): value is PersistedOpampAgent {
  if (!isRecord(value)) return false;
  if (value.instanceUid !== undefined && typeof value.instanceUid !== 'string') return false;
  const remote = value.remoteConfig;
  if (remote === undefined) return true;
  return isRecord(remote) && typeof remote.hash === 'string' && (remote.state === 'applied' || remote.state === 'failed') && typeof remote.message === 'string';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
