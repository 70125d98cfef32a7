// processor:retry in the real pipeline runtime, in front of a real exporter:otlp_http and a real OTLP/HTTP peer whose
// answers the test scripts: what it re-sends, when it settles the upstream acknowledgement, what it counts, how it
// bounds what it holds and how it drains.
import protobuf from 'protobufjs/minimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { validateWithJoi } from '../../src/config/joi-errors.js';
import { retryProcessor } from '../../src/nodes/processors/retry/descriptor.js';
import { backoffDelayMs, retrySettings } from '../../src/nodes/processors/retry/processor.js';
import { retryBudget } from '../../src/nodes/processors/retry/budget.js';
import { Ack, type AckOutcome } from '../../src/pipeline/ack.js';
import type { ExportResult, PData } from '../../src/pipeline/pdata.js';
import { PipelineRuntime } from '../../src/pipeline/runtime.js';
import { captureLogs, until } from '../pipeline/helpers/logs.js';
import { logBodies, uniqueLogs } from '../pipeline/helpers/otlp.js';
import { edge, node, pipeline } from '../pipeline/helpers/pipeline.js';
import { startSink, type Sink, type SinkAnswer } from '../pipeline/helpers/sink.js';
import { resolver, ScriptedExporter, TestReceiver } from '../pipeline/helpers/test-nodes.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function retryConfig(config: Record<string, unknown>): Record<string, unknown> {
  const validated = retryProcessor.configSchema.validate(config);
  if (validated.error) throw validated.error;
  return validated.value as Record<string, unknown>;
}

/** test receiver → retry → exporter:otlp_http → a peer answering `answer`. */
async function retryToPeer(answer: (index: number) => SinkAnswer, retry: Record<string, unknown>) {
  const sink = await startSink((_req, i) => answer(i));
  const receiver = new TestReceiver();
  const logs = captureLogs();
  const config = pipeline(
    [
      node('in', 'receiver', 'test'),
      node('retry', 'processor', 'retry', retryConfig(retry)),
      node('out', 'exporter', 'otlp_http', { endpoint: sink.url, http: { timeout: '2s' } }),
    ],
    [edge('in', 'retry'), edge('retry', 'out')],
  );
  const runtime = await PipelineRuntime.build(config, { logger: logs.logger, resolveFactory: resolver({ in: receiver }) });
  cleanups.push(() => runtime.stop(), () => sink.close());
  await runtime.start();
  return { sink, receiver, runtime, logs };
}

/** Emits with an Ack, as a receiver with `wait_for_result` does; `settled` is the outcome the receiver would see. */
async function emitWaiting(receiver: TestReceiver, pdata: PData): Promise<{ settled: Promise<AckOutcome> }> {
  const ack = new Ack(pdata.items);
  await receiver.emit({ ...pdata, acks: [ack] });
  ack.release();
  return { settled: ack.settled };
}

const refuse = (status: number): SinkAnswer => ({ status, headers: { 'content-type': 'text/plain' }, body: `refused with ${status}` });
const FAST = { initial_interval: '20ms', max_interval: '50ms', multiplier: 2, max_elapsed_time: '5s' };

describe('processor:retry', () => {
  it('re-sends what the peer refused for good until it is delivered, and only then acknowledges upstream', async () => {
    const { sink, receiver, runtime } = await retryToPeer((i) => (i < 2 ? refuse(404) : { status: 200 }), FAST);
    const { pdata, bodies } = uniqueLogs(5);
    let requestsWhenSettled = -1;
    const outcome = (await emitWaiting(receiver, pdata)).settled.then((o) => {
      requestsWhenSettled = sink.requests.length;
      return o;
    });
    expect(await outcome).toEqual({ ok: true });
    expect(requestsWhenSettled).toBe(3);
    expect(sink.requests.map((r) => logBodies(r.body))).toEqual([bodies, bodies, bodies]);
    const counters = runtime.counters();
    // The exporter dropped the two refused attempts; the retry processor lost nothing.
    expect(counters.out).toMatchObject({ itemsSent: 5, itemsDropped: 10 });
    expect(counters.retry).toMatchObject({ itemsReceived: 5, itemsSent: 15, itemsDropped: 0, itemsFailed: 0 });
  });

  it('retries data that arrived without an acknowledgement just the same', async () => {
    const { sink, receiver, runtime } = await retryToPeer((i) => (i === 0 ? refuse(403) : { status: 200 }), FAST);
    const { pdata, bodies } = uniqueLogs(3);
    await receiver.emit(pdata);
    await until(() => runtime.counters().out?.itemsSent === 3, 5000, 'delivered after one retry');
    expect(sink.requests.map((r) => logBodies(r.body))).toEqual([bodies, bodies]);
  });

  it('fails the upstream acknowledgement with the reason once max_elapsed_time is spent, counting the items as dropped', async () => {
    const { sink, receiver, runtime, logs } = await retryToPeer(() => refuse(400), { ...FAST, max_elapsed_time: '1s' });
    const outcome = await (await emitWaiting(receiver, uniqueLogs(4).pdata)).settled;
    expect(outcome.ok).toBe(false);
    const reason = (outcome as { reason: string }).reason;
    expect(reason).toMatch(/node "retry": gave up after \d+ attempts in \d+ ms \(max_elapsed_time \(1000 ms\) reached\)/);
    expect(reason).toContain('HTTP 400: refused with 400');
    expect(sink.requests.length).toBeGreaterThan(1);
    expect(runtime.counters().retry).toMatchObject({ itemsReceived: 4, itemsDropped: 4 });
    expect(runtime.counters().retry?.bytesDropped).toBe(runtime.counters().retry?.bytesReceived);
    expect(logs.count('retries exhausted: delivery failed, upstream told')).toBe(1);
  });

  it('counts exhausted data that no one waited for as dropped', async () => {
    const { receiver, runtime } = await retryToPeer(() => refuse(401), { ...FAST, max_elapsed_time: '100ms' });
    await receiver.emit(uniqueLogs(2).pdata);
    await receiver.emit(uniqueLogs(3).pdata);
    await until(() => runtime.counters().retry?.itemsDropped === 5, 5000, 'both messages given up');
  });

  it('passes a partial success upstream without re-sending anything', async () => {
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2).fork().uint32(1 << 3).int64(2).uint32((2 << 3) | 2).string('two too old').ldelim();
    const body = w.finish();
    const { sink, receiver } = await retryToPeer(() => ({ status: 200, body }), FAST);
    const outcome = await (await emitWaiting(receiver, uniqueLogs(5).pdata)).settled;
    expect(outcome).toEqual({ ok: true, rejectedItems: 2, message: 'node "out": the peer rejected 2 of 5 items: two too old' });
    expect(sink.requests).toHaveLength(1);
  });

  it('waits initial_interval, then multiplies the wait by multiplier', async () => {
    const { sink, receiver } = await retryToPeer((i) => (i < 3 ? refuse(404) : { status: 200 }), {
      initial_interval: '60ms',
      multiplier: 3,
      max_interval: '10s',
      max_elapsed_time: '10s',
    });
    expect(await (await emitWaiting(receiver, uniqueLogs(1).pdata)).settled).toEqual({ ok: true });
    const at = sink.requests.map((r) => r.at);
    // Lower bounds only: a loaded machine may add to a wait, never take from it.
    expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(60 - 2);
    expect((at[2] ?? 0) - (at[1] ?? 0)).toBeGreaterThanOrEqual(180 - 2);
    expect((at[3] ?? 0) - (at[2] ?? 0)).toBeGreaterThanOrEqual(540 - 2);
  });

  it('never waits longer than max_interval between attempts', () => {
    const settings = retrySettings(retryConfig({ initial_interval: '100ms', multiplier: 2, max_interval: '300ms' }));
    expect([0, 1, 2, 3, 10].map((n) => backoffDelayMs(settings, n))).toEqual([100, 200, 300, 300, 300]);
    // multiplier 1: a constant wait.
    const flat = retrySettings(retryConfig({ initial_interval: '250ms', multiplier: 1, max_elapsed_time: '1m' }));
    expect([0, 5].map((n) => backoffDelayMs(flat, n))).toEqual([250, 250]);
  });

  it('holds at most max_pending_bytes: further data waits upstream until a held message is settled', async () => {
    async function heldWhileFirstIsInFlight(maxPendingBytes: number | undefined) {
      const receiver = new TestReceiver();
      const exporter = new ScriptedExporter();
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      exporter.answer = async (): Promise<ExportResult> => {
        await gate;
        return { kind: 'success' };
      };
      const config = pipeline(
        [node('in', 'receiver', 'test'), node('retry', 'processor', 'retry', retryConfig(maxPendingBytes ? { max_pending_bytes: maxPendingBytes } : {})), node('out', 'exporter', 'test')],
        [edge('in', 'retry'), edge('retry', 'out')],
      );
      const runtime = await PipelineRuntime.build(config, { logger: captureLogs().logger, resolveFactory: resolver({ in: receiver, out: exporter }) });
      cleanups.push(() => runtime.stop());
      await runtime.start();
      const first = uniqueLogs(2).pdata;
      const outcomes = [(await emitWaiting(receiver, first)).settled, (await emitWaiting(receiver, uniqueLogs(3).pdata)).settled];
      await until(() => runtime.counters().retry?.itemsReceived === 5, 5000, 'both taken in');
      // Unbounded, the second message goes on at once: wait for it. Bounded, give it the time it would have needed.
      if (maxPendingBytes === undefined) await until(() => runtime.counters().retry?.itemsSent === 5, 5000, 'the second message on its way');
      else await new Promise((r) => setTimeout(r, 200));
      const sentWhileFirstHeld = runtime.counters().retry?.itemsSent;
      open();
      expect(await Promise.all(outcomes)).toEqual([{ ok: true }, { ok: true }]);
      expect(exporter.exported.map((p) => p.items)).toEqual([2, 3]);
      return { sentWhileFirstHeld, firstBytes: first.payload.byteLength };
    }
    const bounded = await heldWhileFirstIsInFlight(1);
    expect(bounded.sentWhileFirstHeld).toBe(2);
    const roomy = await heldWhileFirstIsInFlight(undefined);
    expect(roomy.sentWhileFirstHeld).toBe(5);
  });

  it('on drain, gives up at once on a retry that could not start before the deadline, and drains in time', async () => {
    const { receiver, runtime, logs } = await retryToPeer(() => refuse(404), { initial_interval: '30s', max_elapsed_time: '5m' });
    const outcome = (await emitWaiting(receiver, uniqueLogs(3).pdata)).settled;
    await until(() => logs.count('delivery failed downstream: retrying with backoff') === 1, 5000, 'a retry scheduled');
    const drained = runtime.drain(Date.now() + 3000);
    const settled = await outcome;
    expect(settled.ok).toBe(false);
    expect((settled as { reason: string }).reason).toContain('the drain deadline comes before its next retry');
    expect(await drained).toEqual({ forcedNodes: [] });
    expect(runtime.counters().retry).toMatchObject({ itemsReceived: 3, itemsDropped: 3 });
  });

  it('at the drain deadline fails and counts what it still holds', async () => {
    // 503: the exporter retries in place, so the message is still out when the deadline comes.
    const { receiver, runtime } = await retryToPeer(() => ({ status: 503, headers: { 'retry-after': '0' } }), FAST);
    const outcome = (await emitWaiting(receiver, uniqueLogs(4).pdata)).settled;
    await until(() => (runtime.counters().out?.itemsReceived ?? 0) === 4, 5000, 'in the exporter');
    const result = await runtime.drain(Date.now() + 300);
    expect(result.forcedNodes).toContain('retry');
    const settled = await outcome;
    expect(settled.ok).toBe(false);
    expect((settled as { reason: string }).reason).toContain('node "retry": abandoned at the drain deadline');
    expect(runtime.counters().retry?.itemsDropped).toBe(4);
  });

  it('refuses zero intervals, a multiplier below 1 and a zero bound, naming the field', () => {
    const errors = (config: unknown) => {
      const result = validateWithJoi<Record<string, unknown>>(retryProcessor.configSchema, config, ['config']);
      return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
    };
    expect(errors({ initial_interval: '0ms' })).toEqual(['config.initial_interval: "initial_interval" must be greater than zero']);
    expect(errors({ max_interval: '0s' })).toEqual(['config.max_interval: "max_interval" must be greater than zero']);
    expect(errors({ max_elapsed_time: '0s' })).toEqual(['config.max_elapsed_time: "max_elapsed_time" must be greater than zero']);
    expect(errors({ multiplier: 0.5 })).toEqual(['config.multiplier: "multiplier" must be greater than or equal to 1']);
    expect(errors({ max_pending_bytes: 0 })).toEqual(['config.max_pending_bytes: "max_pending_bytes" must be greater than zero']);
    expect(errors({ max_retries: 3 })).toHaveLength(1);
    // A multiplier above upstream's growth needs is fine: the wait is capped by max_interval.
    expect(errors({ multiplier: 5000 })).toEqual([]);
    // As upstream's continuous-benchmark configs write it.
    expect(errors({ multiplier: 1.5 })).toEqual([]);
    expect(retryConfig({})).toEqual({
      initial_interval: '5000ms',
      max_interval: '30000ms',
      multiplier: 1.5,
      max_elapsed_time: '300000ms',
      max_pending_bytes: 64 * 1024 * 1024,
    });
  });

  it('refuses, as upstream does, backoffs whose waits grow for more than 1000 retries, and counts the retries a message may get', () => {
    const errors = (config: unknown) => {
      const result = validateWithJoi<Record<string, unknown>>(retryProcessor.configSchema, config, ['config']);
      return result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
    };
    expect(errors({ initial_interval: '100ms', multiplier: 1 })).toEqual([
      expect.stringMatching(/^config: the waits would grow for more than 1000 retries .*raise multiplier or initial_interval, or lower max_elapsed_time$/),
    ]);
    expect(errors({ initial_interval: '1s', multiplier: 1, max_elapsed_time: '5m' })).toEqual([]);
    // Waits 1 s, 2 s, then 4 s (max_interval) until 10 s have passed.
    expect(retryBudget({ initialIntervalMs: 1000, multiplier: 2, maxIntervalMs: 4000, maxElapsedMs: 10_000 })).toEqual({ ok: true, maxRetries: 5 });
    // The first wait already ends past max_elapsed_time: no retry at all.
    expect(retryBudget({ initialIntervalMs: 5000, multiplier: 2, maxIntervalMs: 4000, maxElapsedMs: 3000 })).toEqual({ ok: true, maxRetries: 0 });
    expect(retrySettings(retryConfig({})).maxRetries).toBeGreaterThan(10);
  });

  it('acknowledges an empty message at once and does not send it on, as upstream', async () => {
    const receiver = new TestReceiver();
    const exporter = new ScriptedExporter();
    const config = pipeline(
      [node('in', 'receiver', 'test'), node('retry', 'processor', 'retry', retryConfig(FAST)), node('out', 'exporter', 'test')],
      [edge('in', 'retry'), edge('retry', 'out')],
    );
    const runtime = await PipelineRuntime.build(config, { logger: captureLogs().logger, resolveFactory: resolver({ in: receiver, out: exporter }) });
    cleanups.push(() => runtime.stop());
    await runtime.start();
    const empty: PData = { signal: 'logs', payload: new Uint8Array(0), items: 0 };
    expect(await (await emitWaiting(receiver, empty)).settled).toEqual({ ok: true });
    expect(await (await emitWaiting(receiver, uniqueLogs(2).pdata)).settled).toEqual({ ok: true });
    expect(exporter.exported.map((p) => p.items)).toEqual([2]);
  });
});
