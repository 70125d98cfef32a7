// Semantic validation of one pipeline, in the order each step needs the previous one: node types and configs,
// extensions and capabilities, connections, graph shape, policies and cores. It reports everything it can find and
// builds the effective pipeline only when nothing is wrong.
import type { EffectivePipeline } from './effective.js';
import type { CoreAllocation, PipelineSpec } from './types.js';
import type { ComponentCatalog } from './catalog.js';
import { configError, configWarning, type ConfigError, type ConfigWarning } from './errors.js';
import { resolveNodes } from './nodes.js';
import { checkCapabilities, resolveExtensions } from './extensions.js';
import { resolveConnections } from './connections.js';
import { checkEndpoints, findCycles, findUnconnected } from './graph.js';
import { resolvePolicies, type PolicyLayers, type PolicyScope } from './policies.js';
import { resolveCoreAllocation, type CoreResolution } from './cores.js';
import { collectListeners, type ListenerEntry } from './listeners.js';
import { buildEffectivePipeline } from './effective-build.js';
import { checkHostWideNodes, type HostWideEntry } from './host-wide.js';
import { pipelineLabel, type CoreCheck, type PipelineLocation } from './model.js';

export interface PipelineCheckInput {
  at: PipelineLocation;
  spec: PipelineSpec;
  layers: PolicyLayers;
  availableCores: readonly number[];
  /**
   * `enforce` when the engine is about to run the config here; `warn` for `--validate-and-exit`, which (as upstream's)
   * judges the file, not this machine: a config is often validated where it is written, not where it runs.
   */
  coreCheck: CoreCheck;
  catalog: ComponentCatalog;
}


export interface PipelineCheck {
  errors: ConfigError[];
  warnings: ConfigWarning[];
  /** Addresses this pipeline listens on, for the check across pipelines. */
  listeners: ListenerEntry[];
  /** Nodes that observe the host, for the check across pipelines. */
  hostWide: HostWideEntry[];
  effective: EffectivePipeline | undefined;
}

export function checkPipeline({ at, spec, layers, availableCores, coreCheck, catalog }: PipelineCheckInput): PipelineCheck {
  const declaredNodes = new Set(Object.keys(spec.nodes));
  const extensionSpecs = spec.extensions ?? {};
  const nodes = resolveNodes(spec.nodes, at, catalog);
  const extensions = resolveExtensions(extensionSpecs, at, catalog);
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

  const warnings = [...nodes.warnings, ...extensions.warnings];
  for (const node of nodes.nodes.values()) {
    const reason = node.descriptor.unavailable;
    if (reason === undefined) continue;
    const path = [...at.base, 'nodes', node.name, 'type'];
    if (coreCheck === 'enforce') errors.push(configError(path, 'NodeUnavailable', reason));
    else warnings.push(configWarning(path, `${reason}; the engine refuses to run it`));
  }

  const { policies, coreAllocationScope } = resolvePolicies(layers);
  let cores: CoreResolution = resolveCoreAllocation(policies.coreAllocation, availableCores);
  if (!cores.ok) {
    const message = `pipeline ${pipelineLabel(at)}: ${cores.message}${inheritedFrom(coreAllocationScope, at)}`;
    const path = [...at.base, 'policies', 'resources', 'core_allocation'];
    if (coreCheck === 'enforce') {
      errors.push(configError(path, 'CoreAllocationUnmet', message));
    } else {
      warnings.push(configWarning(path, `${message}; it cannot start on this machine`));
      cores = resolveCoreAllocation(policies.coreAllocation, allocationWanted(policies.coreAllocation, availableCores));
    }
  }

  const hostWide = checkHostWideNodes(nodes.nodes, cores.ok ? cores.cores : undefined, policies.coreAllocation, coreCheck, at);
  errors.push(...hostWide.errors);
  warnings.push(...hostWide.warnings);

  const listeners = collectListeners(nodes.nodes, at);
  if (errors.length > 0 || !cores.ok) return { errors, warnings, listeners, hostWide: hostWide.entries, effective: undefined };
  const effective = buildEffectivePipeline({
    at,
    policies,
    cores: cores.cores,
    nodes: nodes.nodes.values(),
    edges: connections.edges,
    extensions: extensions.extensions.values(),
  });
  return { errors, warnings, listeners, hostWide: hostWide.entries, effective };
}

/**
 * The cores an allocation asks for, as if the machine had them: what a validation away from the target host plans on.
 * A range too large to list is left to resolveCoreAllocation, which refuses it.
 */
function allocationWanted(allocation: CoreAllocation, available: readonly number[]): number[] {
  switch (allocation.type) {
    case 'all_cores':
      return available.length > 0 ? [...available] : [0];
    case 'core_count':
      return Array.from({ length: Math.max(allocation.count, available.length, 1) }, (_, i) => i);
    case 'core_set':
      return allocation.set.flatMap(({ start, end }) =>
        end - start < MAX_CORES_LISTED ? Array.from({ length: Math.max(0, end - start + 1) }, (_, i) => start + i) : [],
      );
  }
}

const MAX_CORES_LISTED = 4096;

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
