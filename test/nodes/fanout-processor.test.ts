// processor:fanout on its own: every message goes out on every configured port, and the node waits for all of them.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { fanoutProcessor } from '../../src/nodes/processors/fanout/descriptor.js';
import { createFanoutProcessor } from '../../src/nodes/processors/fanout/processor.js';
import type { NodeContext, Processor } from '../../src/pipeline/node.js';
import type { PData } from '../../src/pipeline/pdata.js';
import { logsPData } from '../pipeline/helpers/otlp.js';
import { tracesProto } from '../support/otlp-requests.js';

/** Records emits per port; a port with a gate holds its emit until the gate resolves. */
function portContext(): NodeContext & { byPort: Record<string, PData[]>; gates: Record<string, Promise<void>> } {
  const byPort: Record<string, PData[]> = {};
  const gates: Record<string, Promise<void>> = {};
  const record = (pdata: PData, port = 'default'): void => void (byPort[port] ??= []).push(pdata);
  return {
    name: 'fan',
    logger: pino({ level: 'silent' }),
    byPort,
    gates,
    emit: async (pdata, port = 'default') => {
      await gates[port];
      record(pdata, port);
    },
    tryEmit: (pdata, port) => (record(pdata, port), true),
    reportError: () => undefined,
  };
}

function fanout(outputs: string[]): Processor {
  const { value, error } = fanoutProcessor.configSchema.validate({ outputs });
  if (error) throw error;
  const instance = createFanoutProcessor('fan', value as Record<string, unknown>);
  if (instance.kind !== 'processor') throw new Error('not a processor');
  return instance.node;
}

describe('processor:fanout', () => {
  it('sends every message to two ports, the same object to each', async () => {
    const ctx = portContext();
    const node = fanout(['primary', 'audit']);
    const logs = logsPData(['a']);
    const traces: PData = { signal: 'traces', payload: tracesProto(['s']), items: 1 };
    await node.process(logs, ctx);
    await node.process(traces, ctx);
    expect(ctx.byPort).toEqual({ primary: [logs, traces], audit: [logs, traces] });
    expect(ctx.byPort.audit?.[0]).toBe(logs);
    expect(ctx.byPort.primary?.[0]).toBe(logs);
  });

  it('sends to three ports and resolves only once every port took the message', async () => {
    const ctx = portContext();
    const node = fanout(['a', 'b', 'c']);
    let open!: () => void;
    ctx.gates.b = new Promise<void>((resolve) => (open = resolve));
    const logs = logsPData(['x', 'y']);
    let done = false;
    const processing = Promise.resolve(node.process(logs, ctx)).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(ctx.byPort).toEqual({ a: [logs], c: [logs] });
    expect(done).toBe(false);
    open();
    await processing;
    expect(ctx.byPort).toEqual({ a: [logs], b: [logs], c: [logs] });
  });

  it('fails when a port fails, after every port was tried', async () => {
    const ctx = portContext();
    ctx.gates.b = Promise.reject(new Error('downstream of port "b" is closed'));
    const logs = logsPData(['x']);
    await expect(Promise.resolve(fanout(['a', 'b', 'c']).process(logs, ctx))).rejects.toThrow(/port "b" is closed/);
    expect(ctx.byPort).toEqual({ a: [logs], c: [logs] });
  });

  it('config: outputs are required, at least one, unique, and are the output ports', () => {
    const v = (config: unknown) => fanoutProcessor.configSchema.validate(config, { abortEarly: false }).error?.details.map((d) => d.message);
    expect(v({})).toEqual(['"outputs" is required']);
    expect(v({ outputs: [] })).toEqual(['"outputs" must contain at least 1 items']);
    expect(v({ outputs: ['a', 'a'] })).toEqual(['"outputs[1]" contains a duplicate value']);
    expect(v({ outputs: ['a"b'] })?.[0]).toMatch(/port name/);
    expect(v({ outputs: ['default', 'audit'] })).toBeUndefined();
    expect(fanoutProcessor.outputPorts?.({ outputs: ['x', 'y', 'z'] })).toEqual(['x', 'y', 'z']);
  });
});
