// processor:debug on its own: one info line per (sampled) message in the node's log, data handed on untouched.
import { describe, expect, it } from 'vitest';
import { debugProcessor } from '../../src/nodes/processors/debug/descriptor.js';
import { createDebugProcessor } from '../../src/nodes/processors/debug/processor.js';
import { otlpProtoToJson } from '../../src/pdata/json.js';
import type { Processor } from '../../src/pipeline/node.js';
import type { PData } from '../../src/pipeline/pdata.js';
import { logsPData } from '../pipeline/helpers/otlp.js';
import { createTestContext } from '../support/otlp-context.js';
import { sdkMetricsRequest } from '../support/otlp-metrics.js';
import { tracesProto } from '../support/otlp-requests.js';

function debug(config: Record<string, unknown>): Processor {
  const { value, error } = debugProcessor.configSchema.validate(config);
  if (error) throw error;
  const instance = createDebugProcessor('dbg', value as Record<string, unknown>);
  if (instance.kind !== 'processor') throw new Error('not a processor');
  return instance.node;
}

const INFO = 30;

describe('processor:debug', () => {
  it('basic: one info line per message with signal, items and bytes; the data goes on unchanged', async () => {
    const ctx = createTestContext('dbg');
    const node = debug({});
    const logs = logsPData(['a', 'b', 'c']);
    const traces: PData = { signal: 'traces', payload: tracesProto(['one']), items: 1 };
    await node.process(logs, ctx);
    await node.process(traces, ctx);
    expect(ctx.emitted).toHaveLength(2);
    expect(ctx.emitted[0]).toBe(logs);
    expect(ctx.emitted[1]).toBe(traces);
    expect(ctx.logs).toHaveLength(2);
    expect(ctx.logs[0]).toMatchObject({
      level: INFO,
      signal: 'logs',
      items: 3,
      bytes: logs.payload.byteLength,
      seq: 1,
      msg: `debug: logs, 3 log records, ${logs.payload.byteLength} bytes`,
    });
    expect(ctx.logs[1]).toMatchObject({ level: INFO, signal: 'traces', items: 1, msg: `debug: traces, 1 span, ${traces.payload.byteLength} bytes` });
    expect(ctx.logs[0]).not.toHaveProperty('otlp');
  });

  it('detailed: the line also carries the message as OTLP/JSON', async () => {
    const ctx = createTestContext('dbg');
    const request = await sdkMetricsRequest(2);
    const metrics: PData = { signal: 'metrics', payload: request.protobuf, items: request.points };
    await debug({ verbosity: 'detailed' }).process(metrics, ctx);
    expect(ctx.emitted[0]).toBe(metrics);
    expect(ctx.logs).toHaveLength(1);
    const line = ctx.logs[0] as Record<string, any>;
    expect(line).toMatchObject({ level: INFO, signal: 'metrics', items: request.points, bytes: request.protobuf.byteLength });
    const expected = otlpProtoToJson('metrics', request.protobuf);
    expect(expected.ok).toBe(true);
    expect(line.otlp).toEqual(expected.ok ? expected.json : undefined);
    expect(line.otlp.resourceMetrics[0].scopeMetrics[0].metrics.map((m: any) => m.name)).toEqual(request.names);
  });

  it('detailed: a message that does not decode is logged with the reason and still handed on', async () => {
    const ctx = createTestContext('dbg');
    const bad: PData = { signal: 'logs', payload: Uint8Array.of(0x0a, 0x09), items: 1 };
    await debug({ verbosity: 'detailed' }).process(bad, ctx);
    expect(ctx.emitted[0]).toBe(bad);
    expect(ctx.logs[0]).toMatchObject({ signal: 'logs', decodeError: expect.stringMatching(/malformed protobuf/) });
  });

  it('sampling.every: logs message 1 and every N-th after it, passes on all of them', async () => {
    const ctx = createTestContext('dbg');
    const node = debug({ sampling: { every: 3 } });
    const inputs = Array.from({ length: 8 }, (_, i) => logsPData([`m${i}`]));
    for (const pdata of inputs) await node.process(pdata, ctx);
    expect(ctx.emitted).toEqual(inputs);
    expect(ctx.logs.map((l) => l.seq)).toEqual([1, 4, 7]);
  });

  it('config: defaults and bounds', () => {
    expect(debugProcessor.configSchema.validate({}).value).toEqual({ verbosity: 'basic', sampling: { every: 1 } });
    expect(debugProcessor.configSchema.validate({ sampling: { every: 0 } }).error).toBeDefined();
    expect(debugProcessor.configSchema.validate({ verbosity: 'normal' }).error).toBeDefined();
  });
});
