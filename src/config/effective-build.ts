// Builds the EffectivePipeline the planner and the instances work from: everything sorted by name so that the
// order an operator wrote things in never shows, duplicate edges collapsed (a repeated connection is one channel).
import type { EffectiveEdge, EffectiveExtension, EffectiveNode, EffectivePipeline, ResolvedPolicies } from './effective.js';
import { DEFAULT_PORT, type Edge } from './connections.js';
import { hashPipeline } from './hash.js';
import type { PipelineLocation, ResolvedExtension, ResolvedNode } from './model.js';

export interface EffectiveInput {
  at: PipelineLocation;
  policies: ResolvedPolicies;
  cores: readonly number[];
  nodes: Iterable<ResolvedNode>;
  edges: readonly Edge[];
  extensions: Iterable<ResolvedExtension>;
}

const byName = <T extends { name: string }>(a: T, b: T): number => compare(a.name, b.name);

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function buildEffectivePipeline(input: EffectiveInput): EffectivePipeline {
  const resolved = [...input.nodes];
  const nodes: EffectiveNode[] = resolved
    .map((n) => ({
      name: n.name,
      urn: n.urn,
      kind: n.kind,
      config: n.config ?? {},
      capabilities: { ...n.capabilities },
      ...(n.defaultOutput !== undefined && n.defaultOutput !== DEFAULT_PORT ? { defaultOutput: n.defaultOutput } : {}),
      ...(Object.keys(n.identity).length > 0 ? { identity: n.identity } : {}),
    }))
    .sort(byName);
  const extensions: EffectiveExtension[] = [...input.extensions]
    .map((e) => ({ name: e.name, urn: e.urn, config: e.config ?? {} }))
    .sort(byName);
  const unique = new Map<string, EffectiveEdge>();
  for (const { from, port, to, oneOf } of input.edges) {
    unique.set(JSON.stringify([from, port, to, oneOf ?? null]), { from, port, to, ...(oneOf ? { oneOf } : {}) });
  }
  const edges = [...unique.values()].sort(
    (a, b) =>
      compare(a.from, b.from) ||
      compare(a.port, b.port) ||
      compare(a.to, b.to) ||
      compare(JSON.stringify(a.oneOf ?? null), JSON.stringify(b.oneOf ?? null)),
  );
  const cores = [...input.cores].sort((a, b) => a - b);
  const { hash, graphHash } = hashPipeline({ policies: input.policies, cores, nodes, edges, extensions });
  return {
    group: input.at.group,
    pipeline: input.at.pipeline,
    policies: input.policies,
    cores,
    nodes,
    edges,
    extensions,
    listeners: resolved
      .filter((node) => node.config !== undefined)
      .sort(byName)
      .flatMap((node) => node.descriptor.listeners?.(node.name, node.config ?? {}) ?? []),
    hash,
    graphHash,
  };
}

