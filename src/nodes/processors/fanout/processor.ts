// processor:fanout: sends every message on each of its configured output ports and waits until every port took it,
// so the slowest branch sets the pace. The same PData object goes everywhere; nodes treat pdata as immutable.
import type { NodeContext, NodeInstance, Processor } from '../../../pipeline/node.js';
import type { PData } from '../../../pipeline/pdata.js';
import type { FanoutProcessorConfig } from './descriptor.js';

export class FanoutProcessor implements Processor {
  constructor(private readonly outputs: readonly string[]) {
    if (outputs.length === 0) throw new Error('processor:fanout: no output ports configured');
  }

  process(pdata: PData, ctx: NodeContext): Promise<void> {
    const outputs = this.outputs;
    if (outputs.length === 1) return ctx.emit(pdata, outputs[0]);
    const sends: Promise<void>[] = [];
    for (const port of outputs) sends.push(ctx.emit(pdata, port));
    // allSettled first, so one port's failure never leaves another's send unobserved; then the first failure.
    return Promise.allSettled(sends).then((results) => {
      for (const result of results) if (result.status === 'rejected') throw result.reason;
    });
  }
}

export function createFanoutProcessor(_name: string, config: Record<string, unknown>): NodeInstance {
  const outputs = (config as Partial<FanoutProcessorConfig>).outputs ?? [];
  return { kind: 'processor', node: new FanoutProcessor([...new Set(outputs)]) };
}
