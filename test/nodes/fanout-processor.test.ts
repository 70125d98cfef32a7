// processor:fanout: upstream's config (destinations, primary, fallback_for, timeout, mode, await_ack, max_inflight)
// checked with paths, and its delivery and acknowledgement rules in the real pipeline runtime.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { validateWithJoi } from '../../src/config/joi-errors.js';
import { fanoutProcessor } from '../../src/nodes/processors/fanout/descriptor.js';
import { Ack, type AckOutcome } from '../../src/pipeline/ack.js';
import type { ExportResult, PData } from '../../src/pipeline/pdata.js';
import { PipelineRuntime } from '../../src/pipeline/runtime.js';
import { until } from '../pipeline/helpers/logs.js';
import { logBodies, logsPData } from '../pipeline/helpers/otlp.js';
import { edge, node, pipeline } from '../pipeline/helpers/pipeline.js';
import { resolver, ScriptedExporter, TestReceiver } from '../pipeline/helpers/test-nodes.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function errors(config: unknown): string[] {
  const result = validateWithJoi<Record<string, unknown>>(fanoutProcessor.configSchema, config, ['config']);
  return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
}

function valid(config: Record<string, unknown>): Record<string, unknown> {
  const { value, error } = fanoutProcessor.configSchema.validate(config);
  if (error) throw error;
  return value as Record<string, unknown>;
}

describe('processor:fanout config', () => {
  it("takes upstream's fields with upstream's defaults; the primary is the first destination unless one says so", () => {
    // As upstream's etw-console-otlp.yaml writes it.
    const upstream = valid({
      await_ack: 'primary',
      destinations: [{ port: 'console' }, { port: 'otlp', primary: true, timeout: '5s' }, { port: 'parquet', fallback_for: 'otlp' }],
    });
    expect(upstream).toEqual({
      mode: 'parallel',
      await_ack: 'primary',
      destinations: [
        { port: 'console', primary: false },
        { port: 'otlp', primary: true, timeout: '5000ms' },
        { port: 'parquet', primary: false, fallback_for: 'otlp' },
      ],
      timeout_check_interval: '200ms',
      max_inflight: 10_000,
    });
    expect(fanoutProcessor.outputPorts?.(upstream)).toEqual(['console', 'otlp', 'parquet']);
    expect((valid({ destinations: [{ port: 'a' }, { port: 'b' }] }).destinations as Array<{ primary: boolean }>).map((d) => d.primary)).toEqual([true, false]);
    expect(valid({ mode: 'sequential', await_ack: 'all', destinations: [{ port: 'a' }], max_inflight: 0 })).toMatchObject({ mode: 'sequential', await_ack: 'all', max_inflight: 0 });
  });

  it('refuses what upstream refuses, saying why', () => {
    const two = [{ port: 'a' }, { port: 'b' }];
    expect(errors({})).toEqual(['config.destinations: "destinations" is required']);
    expect(errors({ destinations: [] })).toEqual(['config.destinations: "destinations" must contain at least 1 items']);
    expect(errors({ destinations: [{ port: 'a' }, { port: 'a' }] })).toEqual(['config.destinations: port "a" is listed twice']);
    expect(errors({ destinations: [{ port: 'a', primary: true }, { port: 'b', primary: true }] })).toEqual(['config.destinations: only one destination may be the primary']);
    expect(errors({ destinations: [{ port: 'a', primary: true, fallback_for: 'b' }, { port: 'b' }] })).toEqual([
      'config.destinations: the primary destination "a" cannot be a fallback',
    ]);
    expect(errors({ destinations: [{ port: 'a' }, { port: 'b', fallback_for: 'c' }] })).toEqual(['config.destinations: fallback_for "c" of "b" is not a destination']);
    expect(errors({ destinations: [{ port: 'a' }, { port: 'b', fallback_for: 'c' }, { port: 'c', fallback_for: 'b' }] })).toEqual([
      'config.destinations: the fallbacks of "b" form a cycle',
    ]);
    expect(errors({ destinations: [{ port: 'a' }, { port: 'b', fallback_for: 'a' }, { port: 'c', fallback_for: 'a' }] })).toEqual([
      'config.destinations: "a" has more than one fallback',
    ]);
    expect(errors({ await_ack: 'none', destinations: [...two.slice(0, 1), { port: 'b', fallback_for: 'a' }] })[0]).toMatch(/fallback_for \(on "b"\) needs an outcome/);
    expect(errors({ await_ack: 'none', destinations: [{ port: 'a', timeout: '1s' }] })[0]).toMatch(/timeout \(on "a"\) needs an outcome/);
    expect(errors({ destinations: [{ port: 'a', timeout: '0s' }] })).toEqual(['config.destinations[0].timeout: "timeout" must be greater than zero']);
    expect(errors({ destinations: Array.from({ length: 65 }, (_, i) => ({ port: `p${i}` })) })).toEqual(['config.destinations: at most 64 destinations are supported']);
    expect(errors({ destinations: two, mode: 'broadcast' })).toEqual(['config.mode: "mode" must be one of [parallel, sequential]']);
    expect(errors({ destinations: two, outputs: ['a'] })).toEqual(['config.outputs: unknown field "outputs"']);
  });
});

/** in → fan → one scripted exporter per destination port (named after it). */
async function fanoutTo(ports: string[], config: Record<string, unknown>) {
  const receiver = new TestReceiver();
  const outs = Object.fromEntries(ports.map((p) => [p, new ScriptedExporter()]));
  const spec = pipeline(
    [node('in', 'receiver', 'test'), node('fan', 'processor', 'fanout', valid(config)), ...ports.map((p) => node(p, 'exporter', 'test'))],
    [edge('in', 'fan'), ...ports.map((p) => edge('fan', p, p))],
  );
  const runtime = await PipelineRuntime.build(spec, { logger: pino({ level: 'silent' }), resolveFactory: resolver({ in: receiver, ...outs }) });
  cleanups.push(() => runtime.stop());
  await runtime.start();
  /** Emits as a receiver waiting for the result does; resolves with the outcome it would hear. */
  const send = async (pdata: PData): Promise<{ settled: Promise<AckOutcome> }> => {
    const ack = new Ack(pdata.items);
    await receiver.emit({ ...pdata, acks: [ack] });
    ack.release();
    return { settled: ack.settled };
  };
  return { runtime, outs: outs as Record<string, ScriptedExporter>, send };
}

const fail = (reason: string): ExportResult => ({ kind: 'failure', reason });

/** Holds every export of `exporter` until the returned function is called. */
function hold(exporter: ScriptedExporter, result: ExportResult = { kind: 'success' }): () => void {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  exporter.answer = async () => {
    await gate;
    return result;
  };
  return open;
}

describe('processor:fanout delivery', () => {
  it('parallel, await_ack primary: every destination gets the same bytes, and the primary alone decides the outcome', async () => {
    const { outs, send } = await fanoutTo(['main', 'copy'], { destinations: [{ port: 'main' }, { port: 'copy' }] });
    outs.copy!.answer = () => fail('copy refused');
    const message = logsPData(['a']);
    expect(await (await send(message)).settled).toEqual({ ok: true });
    expect(outs.main!.exported[0]?.payload).toBe(message.payload);
    outs.copy!.answer = () => ({ kind: 'success' });
    outs.main!.answer = () => fail('main refused');
    const outcome = await (await send(logsPData(['b']))).settled;
    expect(outcome).toEqual({ ok: false, reason: expect.stringMatching(/^node "fan": destination "main" failed: .*main refused/) });
    expect(outs.copy!.exported.map((p) => logBodies(p.payload))).toEqual([['b']]);
  });

  it('await_ack all: every destination must deliver; await_ack none: acknowledged once sent', async () => {
    const all = await fanoutTo(['a', 'b'], { await_ack: 'all', destinations: [{ port: 'a' }, { port: 'b' }] });
    expect(await (await all.send(logsPData(['x']))).settled).toEqual({ ok: true });
    all.outs.b!.answer = () => fail('b is down');
    expect(await (await all.send(logsPData(['y']))).settled).toEqual({ ok: false, reason: expect.stringContaining('destination "b" failed') });

    const none = await fanoutTo(['a', 'b'], { await_ack: 'none', destinations: [{ port: 'a' }, { port: 'b' }] });
    const open = hold(none.outs.a!, fail('a is down'));
    expect(await (await none.send(logsPData(['z']))).settled).toEqual({ ok: true });
    open();
    await until(() => none.outs.b!.exported.length === 1, 5000, 'b got it');
  });

  it('fallback_for: sent only when its origin failed, and its outcome is the message’s', async () => {
    const { outs, send } = await fanoutTo(['main', 'backup'], { destinations: [{ port: 'main' }, { port: 'backup', fallback_for: 'main' }] });
    expect(await (await send(logsPData(['first']))).settled).toEqual({ ok: true });
    expect(outs.backup!.exported).toHaveLength(0);
    outs.main!.answer = () => fail('main refused');
    expect(await (await send(logsPData(['second']))).settled).toEqual({ ok: true });
    expect(outs.backup!.exported.map((p) => logBodies(p.payload))).toEqual([['second']]);
    outs.backup!.answer = () => fail('backup refused too');
    expect(await (await send(logsPData(['third']))).settled).toEqual({ ok: false, reason: expect.stringContaining('destination "backup" failed') });
  });

  it('timeout: a destination without an outcome in time counts as failed, its fallback takes over, a late answer is ignored', async () => {
    const { outs, send } = await fanoutTo(['slow', 'backup'], {
      destinations: [{ port: 'slow', timeout: '100ms' }, { port: 'backup', fallback_for: 'slow' }],
      timeout_check_interval: '20ms',
    });
    const open = hold(outs.slow!);
    outs.backup!.answer = () => fail('backup refused');
    const outcome = (await send(logsPData(['late']))).settled;
    expect(await outcome).toEqual({ ok: false, reason: expect.stringContaining('destination "backup" failed') });
    // The slow one delivers after all: too late to change the outcome.
    open();
    await until(() => outs.slow!.exported.length === 1, 5000, 'the slow destination done');
  });

  it('sequential: the next destination gets the message only once the previous one delivered', async () => {
    const { outs, send } = await fanoutTo(['first', 'second'], { mode: 'sequential', await_ack: 'all', destinations: [{ port: 'first' }, { port: 'second' }] });
    const open = hold(outs.first!);
    const outcome = (await send(logsPData(['m']))).settled;
    await new Promise((r) => setTimeout(r, 50));
    expect(outs.second!.exported).toHaveLength(0);
    open();
    expect(await outcome).toEqual({ ok: true });
    expect(outs.second!.exported).toHaveLength(1);
    // A failure stops the sequence.
    outs.first!.answer = () => fail('first refused');
    expect(await (await send(logsPData(['n']))).settled).toEqual({ ok: false, reason: expect.stringContaining('destination "first" failed') });
    expect(outs.second!.exported).toHaveLength(1);
  });

  it('max_inflight: past it, the next message waits in the fanout until an outcome is known', async () => {
    const { runtime, outs, send } = await fanoutTo(['only'], { max_inflight: 1, destinations: [{ port: 'only' }] });
    const open = hold(outs.only!);
    const first = (await send(logsPData(['1']))).settled;
    const second = (await send(logsPData(['2']))).settled;
    await until(() => runtime.counters().fan?.itemsReceived === 2, 5000, 'both taken by the fanout');
    await new Promise((r) => setTimeout(r, 50));
    expect(runtime.counters().fan?.itemsSent).toBe(1);
    open();
    expect(await Promise.all([first, second])).toEqual([{ ok: true }, { ok: true }]);
    expect(runtime.counters().fan?.itemsSent).toBe(2);
  });
});
