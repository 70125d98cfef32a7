// What a start with a state dir runs: the last committed state when the state dir holds one, else the config file
// (always with `--reset-state`). The config file always gives the engine section (the admin API, telemetry, OpAMP
// agents, the state dir itself): only what the admin API and OpAMP change is persisted. A state that cannot be used is
// an error naming the file and the way out, never a silent fall back to the file.
import { resolve } from 'node:path';
import { formatConfigErrors, validateWrittenDocument, type LoadContext, type ValidationResult, type WrittenForm } from '../config/index.js';
import type { EffectivePipeline } from '../config/effective.js';
import type { EngineConfig } from '../config/types.js';
import { emptyState, readStateFile, stateFilePath, type PersistedOpampAgent } from '../state/persisted-state.js';
import { openStateStore, type StateStore } from '../state/state-store.js';

export type StateStart =
  | { kind: 'none' }
  | {
      kind: 'ready';
      store: StateStore;
      stateFile: string;
      /** `state`: the state file's committed state runs; `config`: the config file's (none yet, or `--reset-state`). */
      origin: 'state' | 'config';
      config: EngineConfig;
      pipelines: EffectivePipeline[];
      written: Record<string, unknown>;
      stopped: ReadonlySet<string>;
      removedTemporaries: string[];
    }
  /** `code`: 2 for a usage error (`--reset-state` without a state dir), 1 for anything else, as for a bad config. */
  | { kind: 'error'; code: 1 | 2; message: string };

export interface StateStartInput {
  flag: string | undefined;
  reset: boolean;
  configSource: string;
  loaded: Extract<ValidationResult, { ok: true }> & { written?: WrittenForm };
  ctx: LoadContext;
}

export async function prepareState({ flag, reset, configSource, loaded, ctx }: StateStartInput): Promise<StateStart> {
  const configured = flag ?? loaded.config.engine?.state_dir;
  if (configured === undefined) {
    if (reset) return { kind: 'error', code: 2, message: '--reset-state needs a state dir (--state-dir or engine.state_dir)' };
    return { kind: 'none' };
  }
  const dir = resolve(configured);
  const written = loaded.written ?? { kind: 'lost', reason: 'it could not be read as written' };
  if (written.kind === 'lost') {
    return { kind: 'error', code: 1, message: `the config ${configSource} cannot be used with a state dir, which never holds a substituted value: ${written.reason}` };
  }
  // Kept through a reset: the OpAMP agents' instance uids name this engine to its servers, whatever config it runs.
  const kept = reset ? await uidsOnly(dir) : {};
  const opened = await openStateStore(dir, { reset });
  if (opened.kind === 'error') return { kind: 'error', code: 1, message: opened.message };
  const stateFile = stateFilePath(dir);
  const engine = written.document.engine;
  let run = { config: loaded.config, pipelines: loaded.pipelines, written: written.document, stopped: new Set<string>(), origin: 'config' as 'state' | 'config' };
  let opamp: Record<string, PersistedOpampAgent> = kept;
  if (opened.found) {
    const document = { ...opened.found.config, ...(engine !== undefined ? { engine } : {}) };
    const validation = validateWrittenDocument(document, ctx);
    if (!validation.ok) {
      const message = `state file ${stateFile} holds a config this engine refuses now:\n${formatConfigErrors(validation.errors)}\nStart with --reset-state to run the config file instead (the state file is then overwritten)`;
      return { kind: 'error', code: 1, message };
    }
    const known = new Set(validation.pipelines.map((p) => `${p.group}:${p.pipeline}`));
    const stopped = new Set(opened.found.stopped.filter((key) => known.has(key)));
    run = { config: validation.config, pipelines: validation.pipelines, written: document, stopped, origin: 'state' };
    opamp = opened.found.opamp;
  }
  const { engine: _engine, ...persisted } = run.written;
  // Written at once: the start proves the state dir takes a write, and a reset leaves no old state behind.
  const first = await opened.store.replace({ ...emptyState(persisted), stopped: [...run.stopped].sort(), opamp });
  if (!first.ok) return { kind: 'error', code: 1, message: first.error };
  return { kind: 'ready', store: opened.store, stateFile, ...run, removedTemporaries: opened.removedTemporaries };
}

/** The instance uids of a state file, when it can be read at all; nothing otherwise (a reset asks for no more). */
async function uidsOnly(dir: string): Promise<Record<string, PersistedOpampAgent>> {
  const read = await readStateFile(dir).catch(() => ({ kind: 'absent' }) as const);
  if (read.kind !== 'found') return {};
  const out: Record<string, PersistedOpampAgent> = {};
  for (const [name, agent] of Object.entries(read.state.opamp)) if (agent.instanceUid !== undefined) out[name] = { instanceUid: agent.instanceUid };
  return out;
}
