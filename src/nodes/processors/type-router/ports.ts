// The output ports of processor:type_router: one per signal, named after it. Shared by the descriptor (supervisor)
// and the processor (instance); no joi here, instances never load it.
import type { Signal } from '../../../pipeline/pdata.js';

export const TYPE_ROUTER_PORTS: readonly Signal[] = ['logs', 'metrics', 'traces'];
