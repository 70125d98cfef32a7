// processor:type_router (with processor:filter, processor:fanout and processor:debug) inside the real pipeline runtime:
// the runtime wires each named output port to the nodes connected to it.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createDebugProcessor } from '../../src/nodes/processors/debug/processor.js';
import { createFanoutProcessor } from '../../src/nodes/processors/fanout/processor.js';
import { createFilterProcessor } from '../../src/nodes/processors/filter/processor.js';
import { createTypeRouterProcessor } from '../../src/nodes/processors/type-router/processor.js';
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
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const OURS: Record<string, NodeFactory> = {
  'urn:otel:processor:type_router': createTypeRouterProcessor,
  'urn:otel:processor:filter': createFilterProcessor,
  'urn:otel:processor:fanout': createFanoutProcessor,
  'urn:otel:processor:debug': createDebugProcessor,
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
        node('router', 'processor', 'type_router'),
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

  it('a port with nothing connected: the runtime drops and counts what goes there', async () => {
    const receiver = new TestReceiver();
    const logsOut = new ScriptedExporter();
    const config = pipeline(
      [node('in', 'receiver', 'test'), node('router', 'processor', 'type_router'), node('logs_out', 'exporter', 'test')],
      [edge('in', 'router'), edge('router', 'logs_out', 'logs')],
    );
    const runtime = await PipelineRuntime.build(config, { logger: silent, resolveFactory: resolve({ in: receiver, logs_out: logsOut }) });
    cleanups.push(() => runtime.stop());
    await runtime.start();
    const { logs, traces } = await traffic();
    await receiver.emit(traces);
    await receiver.emit(logs);
    await until(() => logsOut.exported.length === 1);
    expect(logsOut.exported).toEqual([logs]);
    expect(runtime.counters().router).toMatchObject({ itemsReceived: 5, itemsSent: 2, itemsDropped: 3 });
  });

  it('debug -> filter -> fanout -> router: the processors compose', async () => {
    const receiver = new TestReceiver();
    const out = { all: new ScriptedExporter(), only_logs: new ScriptedExporter() };
    const config = pipeline(
      [
        node('in', 'receiver', 'test'),
        node('dbg', 'processor', 'debug', { verbosity: 'basic', sampling: { every: 1 } }),
        node('drop_traces', 'processor', 'filter', { signals: { logs: true, traces: false, metrics: true } }),
        node('fan', 'processor', 'fanout', { outputs: ['everything', 'routed'] }),
        node('router', 'processor', 'type_router'),
        node('all', 'exporter', 'test'),
        node('only_logs', 'exporter', 'test'),
      ],
      [
        edge('in', 'dbg'),
        edge('dbg', 'drop_traces'),
        edge('drop_traces', 'fan'),
        edge('fan', 'all', 'everything'),
        edge('fan', 'router', 'routed'),
        edge('router', 'only_logs', 'logs'),
      ],
    );
    const runtime = await PipelineRuntime.build(config, { logger: silent, resolveFactory: resolve({ in: receiver, ...out }) });
    cleanups.push(() => runtime.stop());
    await runtime.start();
    const { logs, traces, metrics } = await traffic();
    await receiver.emit(logs);
    await receiver.emit(traces);
    await receiver.emit(metrics);
    await until(() => out.all.exported.length === 2 && out.only_logs.exported.length === 1);
    await runtime.drain(Date.now() + 5000);
    expect(out.all.exported).toEqual([logs, metrics]);
    expect(out.only_logs.exported).toEqual([logs]);
    expect(logBodies(out.only_logs.exported[0]?.payload ?? new Uint8Array())).toEqual(['l1', 'l2']);
    const counters = runtime.counters();
    // The filter's 3 spans appear in no runtime counter: received 2 + 3 + metrics, sent 2 + metrics.
    expect(counters.drop_traces).toMatchObject({ itemsReceived: 5 + metrics.items, itemsSent: 2 + metrics.items, itemsDropped: 0 });
    // An emit counts as sent once per port: the fanout's sent is twice what it received.
    expect(counters.fan).toMatchObject({ itemsReceived: 2 + metrics.items, itemsSent: 2 * (2 + metrics.items) });
  });
});
