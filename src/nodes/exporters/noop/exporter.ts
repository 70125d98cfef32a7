// exporter:noop: accepts everything at once and sends it nowhere. Useful as a sink for benchmarks and tests, where it
// measures the pipeline without any exporter cost; one shared settled promise, so it allocates nothing per message.
import type { Exporter, NodeInstance } from '../../../pipeline/node.js';
import type { ExportResult } from '../../../pipeline/pdata.js';

const SUCCESS: Promise<ExportResult> = Promise.resolve({ kind: 'success' });

export function createNoopExporter(_name: string, _config: Record<string, unknown>): NodeInstance {
  const node: Exporter = {
    start: async () => undefined,
    export: () => SUCCESS,
    stop: async () => undefined,
  };
  return { kind: 'exporter', node };
}
