// exporter:perf: counts what reaches it, answers success at once, and logs rates per signal every report_interval.
import { afterEach, describe, expect, it } from 'vitest';
import { perfExporter } from '../../src/nodes/exporters/perf/descriptor.js';
import { createPerfExporter, type PerfExporter } from '../../src/nodes/exporters/perf/exporter.js';
import type { NodeContext } from '../../src/pipeline/node.js';
import type { PData } from '../../src/pipeline/pdata.js';
import { PipelineRuntime } from '../../src/pipeline/runtime.js';
import { captureLogs, until, type CapturedLogs } from '../pipeline/helpers/logs.js';
import { edge, node, pipeline } from '../pipeline/helpers/pipeline.js';
import { resolver, TestReceiver } from '../pipeline/helpers/test-nodes.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function message(signal: PData['signal'], items: number, bytes: number): PData {
  return { signal, payload: new Uint8Array(bytes), items };
}

async function perfFor(config: Record<string, unknown>): Promise<{ perf: PerfExporter; logs: CapturedLogs }> {
  const logs = captureLogs();
  const instance = createPerfExporter('perf', config);
  if (instance.kind !== 'exporter') throw new Error('not an exporter');
  const perf = instance.node as PerfExporter;
  await perf.start({ name: 'perf', logger: logs.logger } as NodeContext);
  cleanups.push(() => perf.stop());
  return { perf, logs };
}

type Rates = Record<string, { items_per_sec: number; messages_per_sec: number; bytes_per_sec: number }>;
const reports = (logs: CapturedLogs) => logs.lines.filter((l) => l.msg === 'throughput');

describe('exporter:perf', () => {
  it('answers success at once and keeps cumulative totals per signal', async () => {
    const { perf } = await perfFor({ report_interval: '10s', log: true });
    expect(await perf.export(message('logs', 3, 100))).toEqual({ kind: 'success' });
    await perf.export(message('logs', 2, 50));
    await perf.export(message('traces', 7, 1000));
    expect(perf.stats()).toEqual({
      items: 12,
      messages: 3,
      bytes: 1150,
      bySignal: {
        logs: { items: 5, messages: 2, bytes: 150 },
        traces: { items: 7, messages: 1, bytes: 1000 },
        metrics: { items: 0, messages: 0, bytes: 0 },
      },
    });
    // A copy: what the caller holds does not move under it.
    const before = perf.stats();
    await perf.export(message('metrics', 1, 10));
    expect(before.items).toBe(12);
    expect(perf.stats().bySignal.metrics).toEqual({ items: 1, messages: 1, bytes: 10 });
  });

  it('logs items/s, messages/s and bytes/s per signal since the last report, every report_interval', async () => {
    const { perf, logs } = await perfFor({ report_interval: '100ms', log: true });
    for (let i = 0; i < 10; i++) await perf.export(message('logs', 5, 200));
    await perf.export(message('metrics', 4, 40));
    await until(() => reports(logs).length >= 1, 2000, 'first report');
    const first = reports(logs)[0]!;
    const elapsed = first.interval_ms as number;
    expect(elapsed).toBeGreaterThanOrEqual(90);
    const rates = first.rates as Rates;
    expect(Object.keys(rates).sort()).toEqual(['logs', 'metrics']);
    // interval_ms is rounded to whole milliseconds: the rates match it to within a percent.
    const closeTo = (rate: number, count: number) => expect(Math.abs((rate * elapsed) / 1000 - count) / count).toBeLessThan(0.01);
    closeTo(rates.logs!.items_per_sec, 50);
    closeTo(rates.logs!.messages_per_sec, 10);
    closeTo(rates.logs!.bytes_per_sec, 2000);
    closeTo(rates.metrics!.items_per_sec, 4);
    expect(first.totals).toEqual({ items: 54, messages: 11, bytes: 2040 });
    expect(first.level).toBe(30);

    // The next report covers only what came after the first one; a signal seen before shows its zero rate.
    await perf.export(message('traces', 1, 10));
    const seen = reports(logs).length;
    await until(() => reports(logs).length > seen, 2000, 'next report');
    const next = reports(logs)[seen]!.rates as Rates;
    expect(next.logs).toEqual({ items_per_sec: 0, messages_per_sec: 0, bytes_per_sec: 0 });
    expect(next.traces!.items_per_sec).toBeGreaterThan(0);
  });

  it('stops reporting on stop, with one final report; log: false counts without logging', async () => {
    const { perf, logs } = await perfFor({ report_interval: '50ms', log: true });
    await perf.export(message('traces', 2, 20));
    await perf.stop();
    expect(logs.count('perf exporter stopped: final report')).toBe(1);
    const after = logs.lines.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(logs.lines.length).toBe(after);
    await perf.stop();
    expect(logs.lines.length).toBe(after);

    const quiet = await perfFor({ report_interval: '20ms', log: false });
    await quiet.perf.export(message('logs', 3, 30));
    await new Promise((r) => setTimeout(r, 100));
    await quiet.perf.stop();
    expect(quiet.logs.lines).toHaveLength(0);
    expect(quiet.perf.stats().items).toBe(3);
  });

  it('counts what flows through a pipeline', async () => {
    const receiver = new TestReceiver();
    const logs = captureLogs();
    const config = pipeline([node('in', 'receiver', 'test'), node('out', 'exporter', 'perf', { report_interval: '10s', log: false })], [edge('in', 'out')]);
    const testNodes = resolver({ in: receiver });
    let perf: PerfExporter | undefined;
    const runtime = await PipelineRuntime.build(config, {
      logger: logs.logger,
      resolveFactory: async (urn) => {
        if (urn !== 'urn:otel:exporter:perf') return testNodes(urn);
        return (name, cfg) => {
          const instance = createPerfExporter(name, cfg);
          perf = instance.node as PerfExporter;
          return instance;
        };
      },
    });
    cleanups.push(() => runtime.stop());
    await runtime.start();
    for (let i = 0; i < 5; i++) await receiver.emit(message('logs', 10, 64));
    await until(() => runtime.counters().out?.itemsSent === 50, 5000, 'all counted');
    expect(perf?.stats()).toMatchObject({ items: 50, messages: 5, bytes: 320 });
  });

  it('validates its config, with defaults in canonical form', () => {
    const schema = perfExporter.configSchema;
    const value = schema.validate({}).value;
    expect(value).toEqual({ report_interval: '10000ms', log: true });
    expect(schema.validate(value).value).toEqual(value);
    expect(schema.validate({ report_interval: '0s' }).error?.message).toMatch(/"report_interval" must be at least 1ms/);
    expect(schema.validate({ report_interval: 'soon' }).error?.message).toMatch(/report_interval/);
    expect(schema.validate({ log: 'yes' }).error).toBeDefined();
  });
});
