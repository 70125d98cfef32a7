// processor:filter options not covered elsewhere, through the node's public factory with a validated config:
// `signals.<signal>: false` drops exactly that signal, whole, for each of the three.
import { describe, expect, it } from 'vitest';
import { filterProcessor } from '../../src/nodes/processors/filter/descriptor.js';
import { createFilterProcessor } from '../../src/nodes/processors/filter/processor.js';
import type { PData, Signal } from '../../src/pipeline/pdata.js';
import { createTestContext } from '../support/otlp-context.js';
import { sdkMetricsRequest } from '../support/otlp-metrics.js';
import { logsProto, tracesProto } from '../support/otlp-requests.js';

async function traffic(): Promise<Record<Signal, PData>> {
  const metrics = await sdkMetricsRequest(2);
  return {
    logs: { signal: 'logs', payload: logsProto(['a', 'b']), items: 2 },
    traces: { signal: 'traces', payload: tracesProto(['s1', 's2', 's3']), items: 3 },
    metrics: { signal: 'metrics', payload: metrics.protobuf, items: metrics.points },
  };
}

async function run(config: Record<string, unknown>, input: PData[]): Promise<PData[]> {
  const validated = filterProcessor.configSchema.validate(config);
  if (validated.error) throw validated.error;
  const instance = createFilterProcessor('filter', validated.value as Record<string, unknown>);
  if (instance.kind !== 'processor') throw new Error('processor:filter is not a processor');
  const ctx = createTestContext('filter');
  await instance.node.start?.(ctx);
  for (const pdata of input) await instance.node.process(pdata, ctx);
  return ctx.emitted;
}

describe('processor:filter signals', () => {
  for (const dropped of ['logs', 'traces', 'metrics'] as const) {
    it(`signals.${dropped}: false drops every ${dropped} message and passes the other signals on as they came`, async () => {
      const input = await traffic();
      const out = await run({ signals: { [dropped]: false } }, [input.logs, input.traces, input.metrics]);
      const kept = (['logs', 'traces', 'metrics'] as const).filter((s) => s !== dropped);
      expect(out.map((p) => p.signal)).toEqual(kept);
      // Untouched: the very objects that came in.
      for (const pdata of out) expect(pdata).toBe(input[pdata.signal]);
    });
  }

  it('signals default to true: an empty config passes every signal on unchanged', async () => {
    const input = await traffic();
    const out = await run({}, [input.logs, input.traces, input.metrics]);
    expect(out).toEqual([input.logs, input.traces, input.metrics]);
    expect(out[1]).toBe(input.traces);
  });
});
