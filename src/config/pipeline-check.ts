// Semantic validation of one pipeline, in the order each step needs the previous one: node types and configs,
// extensions and capabilities, connections, graph shape, policies and cores. It reports everything it can find and
// builds the effective pipeline only when nothing is wrong.
import type { EffectivePipeline } from './effective.js';
import type { PipelineSpec } from './types.js';
import { configError, type ConfigError } from './errors.js';
import { resolveNodes } from './nodes.js';
import { checkCapabilities, resolveExtensions } from './extensions.js';
import { resolveConnections } from './connections.js';
import { checkEndpoints, findCycles, findUnconnected } from './graph.js';
import { resolvePolicies, type PolicyLayers, type PolicyScope } from './policies.js';
import { resolveCoreAllocation } from './cores.js';
import { collectListeners, type ListenerEntry } from './listeners.js';
import { buildEffectivePipeline } from './effective-build.js';
import { pipelineLabel, type PipelineLocation } from './model.js';

export interface PipelineCheckInput {
  at: PipelineLocation;
  spec: PipelineSpec;
  layers: PolicyLayers;
  availableCores: readonly number[];
}

export interface PipelineCheck {
  errors: ConfigError[];
  /** Addresses this pipeline listens on, for the check across pipelines. */
  listeners: ListenerEntry[];
  effective: EffectivePipeline | undefined;
}

export function checkPipeline({ at, spec, layers, availableCores }: PipelineCheckInput): PipelineCheck {
  const declaredNodes = new Set(Object.keys(spec.nodes));
  const extensionSpecs = spec.extensions ?? {};
  const nodes = resolveNodes(spec.nodes, at);
  const extensions = resolveExtensions(extensionSpecs, at);
  const connections = resolveConnections(spec.connections, declaredNodes, nodes.nodes, at);
  const errors = [
    ...nodes.errors,
    ...extensions.errors,
    ...checkCapabilities(nodes.nodes, new Set(Object.keys(extensionSpecs)), extensions.extensions, at),
    ...connections.errors,
    ...findCycles(connections.edges, at),
    ...(nodes.allTypesKnown ? checkEndpoints(nodes.nodes, at) : []),
    ...findUnconnected(declaredNodes, connections.referenced, at),
  ];

  const { policies, coreAllocationScope } = resolvePolicies(layers);
  const cores = resolveCoreAllocation(policies.coreAllocation, availableCores);
  if (!cores.ok) {
    const message = `pipeline ${pipelineLabel(at)}: ${cores.message}${inheritedFrom(coreAllocationScope, at)}`;
    errors.push(configError([...at.base, 'policies', 'resources', 'core_allocation'], 'CoreAllocationUnmet', message));
  }

  const listeners = collectListeners(nodes.nodes, at);
  if (errors.length > 0 || !cores.ok) return { errors, listeners, effective: undefined };
  const effective = buildEffectivePipeline({
    at,
    policies,
    cores: cores.cores,
    nodes: nodes.nodes.values(),
    edges: connections.edges,
    extensions: extensions.extensions.values(),
  });
  return { errors, listeners, effective };
}

// The error sits on the pipeline either way (it is the pipeline that cannot run); the message says where the
// allocation was actually written.
function inheritedFrom(scope: PolicyScope, at: PipelineLocation): string {
  switch (scope) {
    case 'group':
      return ` (allocation inherited from groups.${at.group}.policies.resources.core_allocation)`;
    case 'top':
      return ' (allocation inherited from policies.resources.core_allocation)';
    case 'default':
      return ' (default allocation all_cores)';
    case 'pipeline':
      return '';
  }
}

