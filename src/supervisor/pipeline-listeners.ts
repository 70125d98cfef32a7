// The listeners of one pipeline in the engine's listener table: the addresses its receivers need, bound before any
// instance could use them, and closed once no instance of the pipeline has them in its config any more.
import type { EffectivePipeline } from '../config/effective.js';
import type { ListenerSpec } from '../pipeline/node.js';
import type { ListenerTable } from './listener-table.js';

/** The listening addresses a pipeline's receivers need, computed at validation: the supervisor needs no node catalog. */
export function listenerSpecs(config: EffectivePipeline): ListenerSpec[] {
  return config.listeners;
}

/** Binds every listener of `config` for `owner`; on a failure, closes what `keep` does not name, and throws. */
export async function bindPipelineListeners(table: ListenerTable, owner: string, config: EffectivePipeline, keep: () => ListenerSpec[]): Promise<void> {
  try {
    for (const spec of listenerSpecs(config)) await table.bind(owner, spec);
  } catch (error) {
    table.close(owner, keep());
    throw error;
  }
}
