// The engine's OpAMP agents, one per `urn:otel:extension:opamp` under engine.controller.extensions. The composition
// root (src/supervisor/engine.ts) loads their settings before anything runs and starts them once the pipelines booted.
import type { Logger } from 'pino';
import { opampExtensions } from '../config/controller.js';
import type { EngineConfig } from '../config/types.js';
import { OpampClient } from './client.js';
import type { OpampControlPlane } from './remote-config.js';
import { loadOpampSettings, type OpampSettings } from './settings.js';

export type { OpampControlPlane } from './remote-config.js';
export { OpampSettingsError } from './settings.js';

export interface OpampAgents {
  stop(): Promise<void>;
}

/** Reads the files each agent needs; throws OpampSettingsError naming the setting when one cannot be used. */
export async function loadOpampAgents(config: EngineConfig): Promise<OpampSettings[]> {
  const settings: OpampSettings[] = [];
  for (const { name, config: extension } of opampExtensions(config)) settings.push(await loadOpampSettings(name, extension));
  return settings;
}

export function startOpampAgents(settings: readonly OpampSettings[], controlPlane: OpampControlPlane, logger: Logger): OpampAgents {
  const clients = settings.map((s) => new OpampClient(s, controlPlane, logger.child({ component: 'opamp', extension: s.name })));
  for (const client of clients) client.start();
  return { stop: async () => void (await Promise.all(clients.map((client) => client.stop()))) };
}
