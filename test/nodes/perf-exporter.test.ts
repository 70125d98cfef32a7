// exporter:perf: counts what reaches it, answers success at once, and logs rates per signal every `frequency` ms, with
// the usage sections its config selects.
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

/** As upstream's example configs have it: throughput only. */
const NO_USAGE = { cpu_usage: false, mem_usage: false, disk_usage: false, io_usage: false, self_usage: false };

type Rates = Record<string, { items_per_sec: number; messages_per_sec: number; bytes_per_sec: number }>;
const reports = (logs: CapturedLogs) => logs.lines.filter((l) => l.msg === 'throughput');

describe('exporter:perf', () => {
  it('answers success at once and keeps cumulative totals per signal', async () => {
    const { perf } = await perfFor({ frequency: 10_000, log: true, ...NO_USAGE });
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

  it('logs items/s, messages/s and bytes/s per signal since the last report, every `frequency` milliseconds', async () => {
    const { perf, logs } = await perfFor({ frequency: 100, log: true, ...NO_USAGE });
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
    const { perf, logs } = await perfFor({ frequency: 50, log: true, ...NO_USAGE });
    await perf.export(message('traces', 2, 20));
    await perf.stop();
    expect(logs.count('perf exporter stopped: final report')).toBe(1);
    const after = logs.lines.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(logs.lines.length).toBe(after);
    await perf.stop();
    expect(logs.lines.length).toBe(after);

    const quiet = await perfFor({ frequency: 20, log: false });
    await quiet.perf.export(message('logs', 3, 30));
    await new Promise((r) => setTimeout(r, 100));
    await quiet.perf.stop();
    expect(quiet.logs.lines).toHaveLength(0);
    expect(quiet.perf.stats().items).toBe(3);
  });

  it('counts what flows through a pipeline', async () => {
    const receiver = new TestReceiver();
    const logs = captureLogs();
    const config = pipeline([node('in', 'receiver', 'test'), node('out', 'exporter', 'perf', { frequency: 10_000, log: false })], [edge('in', 'out')]);
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

  it('reports the usage sections the config selects, and none of them when all are off', async () => {
    const { perf, logs } = await perfFor({ frequency: 50 });
    // Some CPU for this process to account for.
    const until0 = performance.now() + 30;
    while (performance.now() < until0);
    await until(() => reports(logs).length >= 1, 2000, 'first report');
    const line = reports(logs)[0]!;
    expect(line.process).toMatchObject({ rss_bytes: expect.any(Number), heap_used_bytes: expect.any(Number), virtual_bytes: expect.any(Number) });
    expect((line.process as { cpu_percent: number }).cpu_percent).toBeGreaterThan(0);
    expect(line.cpu).toEqual({ global_percent: expect.any(Number) });
    expect(line.memory).toEqual({ total_bytes: expect.any(Number), available_bytes: expect.any(Number), used_percent: expect.any(Number) });
    expect(line.disk).toEqual({
      read_bytes_per_sec: expect.any(Number),
      written_bytes_per_sec: expect.any(Number),
      total_read_bytes: expect.any(Number),
      total_written_bytes: expect.any(Number),
    });
    expect((line.network as Record<string, unknown>).lo).toMatchObject({ total_bytes_received: expect.any(Number), bytes_sent_per_sec: expect.any(Number) });
    await perf.stop();

    const only = await perfFor({ frequency: 50, ...NO_USAGE, cpu_usage: true });
    await until(() => reports(only.logs).length >= 1, 2000, 'report');
    const sections = Object.keys(reports(only.logs)[0]!).filter((k) => ['process', 'cpu', 'memory', 'disk', 'network'].includes(k));
    expect(sections).toEqual(['cpu']);
    await only.perf.stop();

    const none = await perfFor({ frequency: 50, ...NO_USAGE });
    await until(() => reports(none.logs).length >= 1, 2000, 'report');
    expect(Object.keys(reports(none.logs)[0]!).filter((k) => ['process', 'cpu', 'memory', 'disk', 'network'].includes(k))).toEqual([]);
  });

  it("validates upstream's fields: frequency in ms (default 1000), the usage switches (default on), smoothing_factor with a warning", () => {
    const schema = perfExporter.configSchema;
    const value = schema.validate({}).value;
    expect(value).toEqual({
      frequency: 1000,
      smoothing_factor: 0.3,
      self_usage: true,
      cpu_usage: true,
      mem_usage: true,
      disk_usage: true,
      io_usage: true,
      log: true,
    });
    expect(schema.validate(value).value).toEqual(value);
    // The configs upstream ships (trafficgen-perf.yaml, otlp-perf.yaml, syslog-perf.yaml …).
    const upstream = schema.validate({ frequency: 1000, cpu_usage: false, mem_usage: false, disk_usage: false, io_usage: false });
    expect(upstream.error).toBeUndefined();
    expect(upstream.warning).toBeUndefined();
    const smoothing = schema.validate({ smoothing_factor: 0.5 });
    expect(smoothing.error).toBeUndefined();
    expect(smoothing.warning?.details[0]).toMatchObject({ path: ['smoothing_factor'], message: expect.stringMatching(/^has no effect in this engine/) });
    expect(schema.validate({ frequency: 0 }).error?.message).toMatch(/"frequency" must be at least 1/);
    expect(schema.validate({ frequency: '1s' }).error?.message).toMatch(/"frequency" must be a number/);
    expect(schema.validate({ report_interval: '1s' }).error?.message).toMatch(/"report_interval" is not allowed/);
    expect(schema.validate({ io_usage: 'yes' }).error).toBeDefined();
  });
});
