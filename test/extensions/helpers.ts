// Builds a built-in extension the way an instance does: config through its descriptor's schema (defaults), factory
// from the registry by URN, started with a logger whose lines the test can read.
import { lookupExtension } from '../../src/extensions/catalog.js';
import { extensionImplementations } from '../../src/extensions/implementations.js';
import type { Extension } from '../../src/extensions/extension.js';
import { captureLogs, type CapturedLogs } from '../pipeline/helpers/logs.js';

export interface Built {
  extension: Extension;
  logs: CapturedLogs;
  start(): Promise<void>;
}

export async function buildExtension(id: string, config: Record<string, unknown>): Promise<Built> {
  const urn = `urn:otel:extension:${id}`;
  const checked = lookupExtension(urn)!.configSchema.validate(config);
  if (checked.error) throw checked.error;
  const extension = (await extensionImplementations[urn]!())(id, checked.value as Record<string, unknown>);
  const logs = captureLogs();
  return { extension, logs, start: () => extension.start({ name: id, logger: logs.logger }) };
}
