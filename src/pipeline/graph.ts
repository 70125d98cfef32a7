// The shape of a pipeline graph as the runtime needs it: a topological order (drain walks it forwards, start walks it
// backwards) and, per node, its upstream nodes and its downstream nodes per output port. The config module already
// rejects bad graphs; these checks stay because a runtime built on a bad graph would hang rather than fail.
import type { EffectivePipeline, EffectiveNode } from '../config/effective.js';

export const DEFAULT_PORT = 'default';

export interface GraphPlan {
  /** Every node, each after all of its upstream nodes. */
  order: EffectiveNode[];
  upstream: Map<string, string[]>;
  /** node → port → downstream node names (deduplicated, in config order). */
  downstream: Map<string, Map<string, string[]>>;
  /** node → port → how a message sent on it is delivered. */
  routes: Map<string, Map<string, PortRoute>>;
}

/** Every message goes to each of `all` and to one member of each `oneOf` group. */
export interface PortRoute {
  all: string[];
  oneOf: string[][];
}

export function planGraph(config: Pick<EffectivePipeline, 'nodes' | 'edges'>): GraphPlan {
  const byName = new Map<string, EffectiveNode>();
  for (const node of config.nodes) {
    if (byName.has(node.name)) throw new Error(`pipeline graph: node "${node.name}" is declared twice`);
    byName.set(node.name, node);
  }
  const upstream = new Map<string, string[]>(config.nodes.map((n) => [n.name, []]));
  const downstream = new Map<string, Map<string, string[]>>(config.nodes.map((n) => [n.name, new Map()]));
  const routes = new Map<string, Map<string, PortRoute>>(config.nodes.map((n) => [n.name, new Map()]));

  for (const edge of config.edges) {
    const from = byName.get(edge.from);
    const to = byName.get(edge.to);
    if (!from || !to) throw new Error(`pipeline graph: edge ${edge.from} -> ${edge.to} names an unknown node`);
    if (from.kind === 'exporter') throw new Error(`pipeline graph: exporter "${from.name}" cannot send to "${to.name}"`);
    if (to.kind === 'receiver') throw new Error(`pipeline graph: receiver "${to.name}" cannot take input from "${from.name}"`);
    const ports = downstream.get(from.name) as Map<string, string[]>;
    const port = edge.port || DEFAULT_PORT;
    const targets = ports.get(port) ?? [];
    if (!targets.includes(to.name)) targets.push(to.name);
    ports.set(port, targets);
    const ups = upstream.get(to.name) as string[];
    if (!ups.includes(from.name)) ups.push(from.name);
    addRoute(routes.get(from.name) as Map<string, PortRoute>, port, edge);
  }

  return { order: topologicalOrder(config.nodes, upstream, downstream), upstream, downstream, routes };
}

function addRoute(ports: Map<string, PortRoute>, port: string, edge: EffectivePipeline['edges'][number]): void {
  const route = ports.get(port) ?? { all: [], oneOf: [] };
  ports.set(port, route);
  if (edge.oneOf === undefined) {
    if (!route.all.includes(edge.to)) route.all.push(edge.to);
  } else if (!route.oneOf.some((group) => group.join('\u0000') === edge.oneOf!.join('\u0000'))) {
    route.oneOf.push([...edge.oneOf]);
  }
}

// Kahn's algorithm, seeded in config order so the result is deterministic.
function topologicalOrder(
  nodes: readonly EffectiveNode[],
  upstream: Map<string, string[]>,
  downstream: Map<string, Map<string, string[]>>,
): EffectiveNode[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const remaining = new Map(nodes.map((n) => [n.name, (upstream.get(n.name) ?? []).length]));
  const ready = nodes.filter((n) => remaining.get(n.name) === 0).map((n) => n.name);
  const order: EffectiveNode[] = [];
  while (ready.length > 0) {
    const name = ready.shift() as string;
    order.push(byName.get(name) as EffectiveNode);
    const next = new Set([...(downstream.get(name)?.values() ?? [])].flat());
    for (const to of next) {
      const left = (remaining.get(to) ?? 0) - 1;
      remaining.set(to, left);
      if (left === 0) ready.push(to);
    }
  }
  if (order.length !== nodes.length) {
    const stuck = nodes.filter((n) => !order.includes(n)).map((n) => n.name);
    throw new Error(`pipeline graph: connections form a cycle through ${stuck.join(', ')}`);
  }
  return order;
}
