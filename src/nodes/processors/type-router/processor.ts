// processor:type_router: sends each message on the output port named after its signal (`logs`, `metrics`, `traces`),
// without decoding it. A port with no connection is the runtime's business: it drops and counts what is sent there.
import type { NodeContext, NodeInstance, Processor } from '../../../pipeline/node.js';
import type { PData } from '../../../pipeline/pdata.js';

export class TypeRouterProcessor implements Processor {
  process(pdata: PData, ctx: NodeContext): Promise<void> {
    return ctx.emit(pdata, pdata.signal);
  }
}

export function createTypeRouterProcessor(_name: string, _config: Record<string, unknown>): NodeInstance {
  return { kind: 'processor', node: new TypeRouterProcessor() };
}
