// The engine's OpAMP agents, one per `urn:otel:extension:opamp` under engine.controller.extensions. The composition
// root (src/supervisor/engine.ts) loads their settings before anything runs and starts them once the pipelines booted.
import type { Logger } from 'pino';
import { opampExtensions } from '../config/controller.js';
import type { EngineConfig } from '../config/types.js';
import { OpampClient } from './client.js';
import type { OpampControlPlane } from './remote-config.js';
import { loadOpampSettings, type OpampSettings } from './settings.js';
import { agentMemory } from './memory.js';
import { formatUuid, parseUuid } from './instance-uid.js';
import type { StateStore } from '../state/state-store.js';

export type { OpampControlPlane } from './remote-config.js';
export { OpampSettingsError } from './settings.js';

export interface OpampAgents {
  stop(): Promise<void>;
}

/**
 * Reads the files each agent needs; throws OpampSettingsError naming the setting when one cannot be used. With a state
 * dir, an agent without a configured instance_uid takes the one it had before the restart, or keeps the one it makes now.
 */
export async function loadOpampAgents(config: EngineConfig, store?: StateStore): Promise<OpampSettings[]> {
  const settings: OpampSettings[] = [];
  for (const { name, config: extension } of opampExtensions(config)) {
    const loaded = await loadOpampSettings(name, extension);
    const memory = agentMemory(store, name);
    if (!loaded.instanceUidConfigured && memory.remembered.instanceUid !== undefined) {
      loaded.instanceUid = parseUuid(memory.remembered.instanceUid);
      loaded.instanceUidRestored = true;
    } else if (!loaded.instanceUidConfigured) memory.remember({ instanceUid: formatUuid(loaded.instanceUid) });
    settings.push(loaded);
  }
  return settings;
}

export function startOpampAgents(settings: readonly OpampSettings[], controlPlane: OpampControlPlane, logger: Logger, store?: StateStore): OpampAgents {
  const clients = settings.map(
    (s) => new OpampClient(s, controlPlane, logger.child({ component: 'opamp', extension: s.name }), agentMemory(store, s.name)),
  );
  for (const client of clients) client.start();
  return { stop: async () => void (await Promise.all(clients.map((client) => client.stop()))) };
}
