// processor:type_router inside the real pipeline runtime: each signal to its port, the default output for a signal whose
// port is not connected, and upstream's admission policies when an output is full.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createTypeRouterProcessor } from '../../src/nodes/processors/type-router/processor.js';
import { Ack } from '../../src/pipeline/ack.js';
import type { FactoryResolver, NodeFactory } from '../../src/pipeline/factory.js';
import type { PData } from '../../src/pipeline/pdata.js';
import { PipelineRuntime } from '../../src/pipeline/runtime.js';
import { until } from '../pipeline/helpers/logs.js';
import { logBodies, logsPData } from '../pipeline/helpers/otlp.js';
import { edge, node, pipeline } from '../pipeline/helpers/pipeline.js';
import { resolver, ScriptedExporter, TestReceiver } from '../pipeline/helpers/test-nodes.js';
import { sdkMetricsRequest } from '../support/otlp-metrics.js';
import { tracesProto } from '../support/otlp-requests.js';

const silent = pino({ level: 'silent' });
const ROUTER = { admission_policy: { on_full: 'reject_immediately' } };
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const OURS: Record<string, NodeFactory> = {
  'urn:otel:processor:type_router': createTypeRouterProcessor,
};

/** These processors (not in the catalog's implementations yet) plus the test receiver and exporters. */
function resolve(nodes: Parameters<typeof resolver>[0]): FactoryResolver {
  const tests = resolver(nodes);
  return async (urn) => OURS[urn] ?? tests(urn);
}

async function traffic(): Promise<{ logs: PData; traces: PData; metrics: PData }> {
  const request = await sdkMetricsRequest(2);
  return {
    logs: logsPData(['l1', 'l2']),
    traces: { signal: 'traces', payload: tracesProto(['t1', 't2', 't3']), items: 3 },
    metrics: { signal: 'metrics', payload: request.protobuf, items: request.points },
  };
}

describe('processor:type_router in the pipeline runtime', () => {
  it('sends each signal only to the exporter connected to its port', async () => {
    const receiver = new TestReceiver();
    const out = { logs_out: new ScriptedExporter(), metrics_out: new ScriptedExporter(), traces_out: new ScriptedExporter() };
    const config = pipeline(
      [
        node('in', 'receiver', 'test'),
        node('router', 'processor', 'type_router', ROUTER),
        node('logs_out', 'exporter', 'test'),
        node('metrics_out', 'exporter', 'test'),
        node('traces_out', 'exporter', 'test'),
      ],
      [
        edge('in', 'router'),
        edge('router', 'logs_out', 'logs'),
        edge('router', 'metrics_out', 'metrics'),
        edge('router', 'traces_out', 'traces'),
      ],
    );
    const runtime = await PipelineRuntime.build(config, { logger: silent, resolveFactory: resolve({ in: receiver, ...out }) });
    cleanups.push(() => runtime.stop());
    await runtime.start();

    const { logs, traces, metrics } = await traffic();
    const second = logsPData(['l3']);
    await receiver.emit(logs);
    await receiver.emit(metrics);
    await receiver.emit(traces);
    await receiver.emit(second);
    await until(() => out.logs_out.exported.length === 2 && out.metrics_out.exported.length === 1 && out.traces_out.exported.length === 1);

    expect(out.logs_out.exported).toEqual([logs, second]);
    expect(out.metrics_out.exported).toEqual([metrics]);
    expect(out.traces_out.exported).toEqual([traces]);
    // Routing never touches the bytes.
    expect(out.logs_out.exported[0]?.payload).toBe(logs.payload);
    expect(out.metrics_out.exported[0]?.payload).toBe(metrics.payload);

    const total = logs.items + second.items + metrics.items + traces.items;
    await until(() => runtime.counters().traces_out?.itemsSent === traces.items, 2000, 'exporter counters');
    expect(runtime.counters().router).toMatchObject({ itemsReceived: total, itemsSent: total, itemsDropped: 0 });
    const { forcedNodes } = await runtime.drain(Date.now() + 5000);
    expect(forcedNodes).toEqual([]);
  });

  it("a signal whose port is not connected goes to the default output, as upstream resolves it", async () => {
    async function route(edges: Array<[port: string, to: string]>) {
      const receiver = new TestReceiver();
      const outs = { a: new ScriptedExporter(), b: new ScriptedExporter() };
      const config = pipeline(
        [node('in', 'receiver', 'test'), node('router', 'processor', 'type_router', ROUTER), node('a', 'exporter', 'test'), node('b', 'exporter', 'test')],
        [edge('in', 'router'), ...edges.map(([port, to]) => edge('router', to, port))],
      );
      const runtime = await PipelineRuntime.build(config, { logger: silent, resolveFactory: resolve({ in: receiver, ...outs }) });
      cleanups.push(() => runtime.stop());
      await runtime.start();
      const { logs, traces, metrics } = await traffic();
      for (const pdata of [logs, traces, metrics]) await receiver.emit(pdata);
      await runtime.drain(Date.now() + 5000);
      const signals = (e: ScriptedExporter) => e.exported.map((p) => p.signal);
      return { a: signals(outs.a), b: signals(outs.b), router: runtime.counters().router };
    }
    // A plain `from: router` connection is the default output: signals without a port of their own go there.
    expect(await route([['logs', 'a'], ['default', 'b']])).toMatchObject({ a: ['logs'], b: ['traces', 'metrics'] });
    // The only connected port is the default output.
    expect(await route([['logs', 'a']])).toMatchObject({ a: ['logs', 'traces', 'metrics'], b: [] });
    // Two named ports and no default: the third signal has nowhere to go; the runtime drops and counts it.
    const dropped = await route([['logs', 'a'], ['metrics', 'b']]);
    expect(dropped).toMatchObject({ a: ['logs'], b: ['metrics'] });
    expect(dropped.router).toMatchObject({ itemsDropped: 3 });
  });

  /** in → router → logs_out (held by a gate) and metrics_out, with channels of one message. */
  async function blockedLogs(onFull: string, withMetrics = true) {
    const receiver = new TestReceiver();
    const logsOut = new ScriptedExporter();
    const metricsOut = new ScriptedExporter();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let exporting = 0;
    logsOut.answer = async () => {
      exporting++;
      await gate;
      return { kind: 'success' };
    };
    const config = pipeline(
      [
        node('in', 'receiver', 'test'),
        node('router', 'processor', 'type_router', { admission_policy: { on_full: onFull } }),
        node('logs_out', 'exporter', 'test'),
        ...(withMetrics ? [node('metrics_out', 'exporter', 'test')] : []),
      ],
      [edge('in', 'router'), edge('router', 'logs_out', 'logs'), ...(withMetrics ? [edge('router', 'metrics_out', 'metrics')] : [])],
      1,
    );
    const runtime = await PipelineRuntime.build(config, { logger: silent, resolveFactory: resolve({ in: receiver, logs_out: logsOut, metrics_out: metricsOut }) });
    cleanups.push(() => runtime.stop());
    await runtime.start();
    /** Emits as a receiver waiting for the result does; resolves with the outcome. */
    const send = async (pdata: PData) => {
      const ack = new Ack(pdata.items);
      await receiver.emit({ ...pdata, acks: [ack] });
      ack.release();
      return ack.settled;
    };
    /** The exporter holds the first message and its channel the second: the logs output is full. */
    const fill = async () => {
      const first = send(logsPData(['l0']));
      await until(() => exporting === 1, 5000, 'the exporter busy with the first message');
      const second = send(logsPData(['l1']));
      await until(() => runtime.counters().router?.itemsSent === 2, 5000, 'the second message in the channel');
      return [first, second];
    };
    return { runtime, receiver, logsOut, metricsOut, send, open, fill };
  }

  it('reject_immediately (the default): a message for a full output is refused at once, the other signals keep flowing', async () => {
    const { runtime, metricsOut, logsOut, send, open, fill } = await blockedLogs('reject_immediately');
    const { metrics } = await traffic();
    const outcomes = await fill();
    outcomes.push(send(logsPData(['l2'])), send(logsPData(['l3'])));
    const refused = await outcomes[2];
    expect(refused).toEqual({ ok: false, reason: 'node "router": output "logs" is full (admission_policy.on_full: reject_immediately)' });
    expect(await send(metrics)).toEqual({ ok: true });
    expect(metricsOut.exported).toHaveLength(1);
    open();
    const settled = await Promise.all(outcomes);
    expect(settled.filter((o) => o.ok)).toHaveLength(2);
    expect(logsOut.exported).toHaveLength(2);
    expect(runtime.counters().router).toMatchObject({ itemsRefused: 2 });
  });

  it('backpressure: one message per full output waits, later ones for it are refused, other signals keep flowing', async () => {
    const { runtime, metricsOut, logsOut, send, open, fill } = await blockedLogs('backpressure');
    const { metrics } = await traffic();
    const outcomes = await fill();
    // The third is parked in the router, the fourth refused.
    outcomes.push(send(logsPData(['l2'])), send(logsPData(['l3'])));
    expect(await outcomes[3]).toEqual({ ok: false, reason: 'node "router": output "logs" is full (admission_policy.on_full: backpressure)' });
    expect(await send(metrics)).toEqual({ ok: true });
    expect(metricsOut.exported).toHaveLength(1);
    open();
    expect((await Promise.all(outcomes.slice(0, 3))).every((o) => o.ok)).toBe(true);
    expect(logBodies(logsOut.exported[2]?.payload ?? new Uint8Array())).toEqual(['l2']);
    expect(runtime.counters().router).toMatchObject({ itemsDropped: 1 });
    expect(await runtime.drain(Date.now() + 5000)).toEqual({ forcedNodes: [] });
  });

  it('backpressure: when every output in use has a parked message, the router stops taking input until one moves', async () => {
    const { runtime, receiver, logsOut, open, fill } = await blockedLogs('backpressure', false);
    const outcomes = await fill();
    // Parked in the router, which then holds: the next fills the router's own channel, and the receiver is refused.
    void receiver.emit(logsPData(['l2']));
    await until(() => runtime.counters().router?.itemsReceived === 3, 5000, 'the third taken by the router');
    await receiver.emit(logsPData(['l3']));
    expect(receiver.tryEmit(logsPData(['l4']))).toBe(false);
    open();
    await Promise.all(outcomes);
    await until(() => logsOut.exported.length === 4, 5000, 'all four delivered');
    expect(logsOut.exported.map((p) => logBodies(p.payload)[0])).toEqual(['l0', 'l1', 'l2', 'l3']);
    expect(runtime.counters().router).toMatchObject({ itemsDropped: 0, itemsRefused: 0 });
  });
});
