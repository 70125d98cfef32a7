// processor:type_router on its own: each message goes out on the port named after its signal, untouched.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { typeRouterProcessor } from '../../src/nodes/processors/type-router/descriptor.js';
import { createTypeRouterProcessor } from '../../src/nodes/processors/type-router/processor.js';
import type { NodeContext, Processor } from '../../src/pipeline/node.js';
import type { PData } from '../../src/pipeline/pdata.js';
import { logsPData } from '../pipeline/helpers/otlp.js';
import { sdkMetricsRequest } from '../support/otlp-metrics.js';
import { tracesProto } from '../support/otlp-requests.js';

/** A NodeContext that records what is emitted on each port. */
function portContext(): NodeContext & { byPort: Record<string, PData[]> } {
  const byPort: Record<string, PData[]> = {};
  const record = (pdata: PData, port = 'default'): void => void (byPort[port] ??= []).push(pdata);
  return {
    name: 'router',
    logger: pino({ level: 'silent' }),
    byPort,
    emit: async (pdata, port) => record(pdata, port),
    tryEmit: (pdata, port) => (record(pdata, port), true),
    reportError: () => undefined,
  };
}

function router(): Processor {
  const instance = createTypeRouterProcessor('router', {});
  if (instance.kind !== 'processor') throw new Error('not a processor');
  return instance.node;
}

describe('processor:type_router', () => {
  it("declares upstream's ports (one per signal, and the default one) and upstream's admission_policy", () => {
    expect(typeRouterProcessor.urn).toBe('urn:otel:processor:type_router');
    expect(typeRouterProcessor.outputPorts?.({})).toEqual(['logs', 'metrics', 'traces', 'default']);
    const schema = typeRouterProcessor.configSchema;
    // `config: {}` as upstream's configs write it.
    expect(schema.validate({}).value).toEqual({ admission_policy: { on_full: 'reject_immediately' } });
    expect(schema.validate({ admission_policy: { on_full: 'backpressure' } }).value).toEqual({ admission_policy: { on_full: 'backpressure' } });
    expect(schema.validate({ admission_policy: { on_full: 'block' } }).error?.message).toMatch(/"admission_policy.on_full" must be one of \[reject_immediately, backpressure\]/);
    expect(schema.validate({ routes: {} }).error?.message).toBe('"routes" is not allowed');
  });

  it('sends logs on port "logs", the same object', async () => {
    const ctx = portContext();
    const logs = logsPData(['a', 'b']);
    await router().process(logs, ctx);
    expect(ctx.byPort).toEqual({ logs: [logs] });
    expect(ctx.byPort.logs?.[0]).toBe(logs);
  });

  it('sends traces on port "traces", the same object', async () => {
    const ctx = portContext();
    const traces: PData = { signal: 'traces', payload: tracesProto(['s1', 's2', 's3']), items: 3 };
    await router().process(traces, ctx);
    expect(ctx.byPort).toEqual({ traces: [traces] });
    expect(ctx.byPort.traces?.[0]).toBe(traces);
  });

  it('sends metrics on port "metrics", the same object', async () => {
    const ctx = portContext();
    const request = await sdkMetricsRequest(2);
    const metrics: PData = { signal: 'metrics', payload: request.protobuf, items: request.points };
    await router().process(metrics, ctx);
    expect(ctx.byPort).toEqual({ metrics: [metrics] });
    expect(ctx.byPort.metrics?.[0]).toBe(metrics);
  });

  it('never looks inside: bytes that are no request at all are routed as they are', async () => {
    const ctx = portContext();
    const opaque: PData = { signal: 'metrics', payload: Uint8Array.of(0xff, 0xff), items: 7 };
    await router().process(opaque, ctx);
    expect(ctx.byPort.metrics?.[0]?.payload).toBe(opaque.payload);
  });
});
