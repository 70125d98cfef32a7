// Whole-graph checks of one pipeline: no cycles (data would circulate forever), at least one receiver and one
// exporter, and no node left out of every connection (it would start and never see data).
import { configError, type ConfigError } from './errors.js';
import type { Edge } from './connections.js';
import type { PipelineLocation, ResolvedNode } from './model.js';

export function findCycles(edges: readonly Edge[], at: PipelineLocation): ConfigError[] {
  const next = new Map<string, Edge[]>();
  for (const edge of edges) next.set(edge.from, [...(next.get(edge.from) ?? []), edge]);
  for (const list of next.values()) list.sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : a.connection - b.connection));

  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const errors: ConfigError[] = [];
  // Graphs are small (a few dozen nodes), so recursion depth is not a concern.
  const visit = (node: string): void => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const edge of next.get(node) ?? []) {
      const seen = state.get(edge.to);
      if (seen === 'visiting') {
        const loop = [...stack.slice(stack.indexOf(edge.to)), edge.to];
        const message = `connections form a cycle: ${loop.join(' -> ')}`;
        errors.push(configError([...at.base, 'connections', edge.connection], 'Cycle', message));
      } else if (seen === undefined) {
        visit(edge.to);
      }
    }
    stack.pop();
    state.set(node, 'done');
  };
  // Starting from the nodes nothing feeds (receivers) makes the reported edge the one that points back upstream,
  // which is the one an operator reads as the mistake.
  const fed = new Set(edges.map((e) => e.to));
  const starts = [...next.keys()].sort();
  for (const node of [...starts.filter((n) => !fed.has(n)), ...starts]) if (!state.has(node)) visit(node);
  return errors;
}

export function checkEndpoints(nodes: ReadonlyMap<string, ResolvedNode>, at: PipelineLocation): ConfigError[] {
  const kinds = new Set([...nodes.values()].map((n) => n.kind));
  const errors: ConfigError[] = [];
  const path = [...at.base, 'nodes'];
  if (!kinds.has('receiver')) errors.push(configError(path, 'NoReceiver', 'the pipeline has no receiver'));
  if (!kinds.has('exporter')) errors.push(configError(path, 'NoExporter', 'the pipeline has no exporter'));
  return errors;
}

export function findUnconnected(
  declared: Iterable<string>,
  referenced: ReadonlySet<string>,
  at: PipelineLocation,
): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const name of declared) {
    if (referenced.has(name)) continue;
    errors.push(configError([...at.base, 'nodes', name], 'UnconnectedNode', `node "${name}" is in no connection`));
  }
  return errors;
}
