// Nodes that observe the machine itself (receiver:host_metrics). The engine runs one instance of a pipeline per core,
// so such a node on N cores would report the same host N times; upstream refuses it outside a one-core pipeline, and
// refuses a second receiver on the same host root. Both are checked here, before anything starts.
//
// `--validate-and-exit` judges the file, not this machine: a pipeline left at the default `all_cores` gets a warning
// there (it runs where the engine has one core, or with --num-cores 1), while one that asks for several cores is wrong
// everywhere. When the engine is about to run the config, more than one core is an error.
import { configError, configWarning, type ConfigError, type ConfigWarning, type PathSegment } from './errors.js';
import { pipelineLabel, type PipelineLocation, type ResolvedNode } from './model.js';
import type { CoreCheck } from './model.js';
import type { CoreAllocation } from './types.js';

export interface HostWideEntry {
  pipeline: string;
  node: string;
  /** What the node observes, as its descriptor names it (`host root /`). */
  observes: string;
  path: readonly PathSegment[];
}

export interface HostWideCheck {
  errors: ConfigError[];
  warnings: ConfigWarning[];
  entries: HostWideEntry[];
}

const ONE_CORE_HINT =
  'set policies.resources.core_allocation to { type: core_count, count: 1 } or start the engine with --num-cores 1';

export function checkHostWideNodes(
  nodes: ReadonlyMap<string, ResolvedNode>,
  cores: readonly number[] | undefined,
  allocation: CoreAllocation,
  coreCheck: CoreCheck,
  at: PipelineLocation,
): HostWideCheck {
  const out: HostWideCheck = { errors: [], warnings: [], entries: [] };
  for (const node of nodes.values()) {
    if (!node.config || !node.descriptor.hostWide) continue;
    const path = [...at.base, 'nodes', node.name];
    out.entries.push({ pipeline: pipelineLabel(at), node: node.name, observes: node.descriptor.hostWide(node.config), path });
    if (cores === undefined || cores.length <= 1) continue;
    const message =
      `node ${node.name} (${node.urn}) observes the whole host and must run in a one-core pipeline, ` +
      `but pipeline ${pipelineLabel(at)} gets ${cores.length} cores (allocation ${allocation.type})`;
    if (coreCheck === 'warn' && allocation.type === 'all_cores') {
      out.warnings.push(configWarning(path, `${message} on this machine; ${ONE_CORE_HINT}`));
    } else {
      out.errors.push(configError(path, 'HostWideNodeOnManyCores', `${message}; ${ONE_CORE_HINT}`));
    }
  }
  return out;
}

/** Two nodes anywhere in the config observing the same thing: each is reported, naming the other. */
export function findHostWideConflicts(entries: readonly HostWideEntry[]): ConfigError[] {
  const errors: ConfigError[] = [];
  entries.forEach((entry, i) => {
    const others = entries.filter((other, j) => j !== i && other.observes === entry.observes);
    if (others.length === 0) return;
    const users = others.map((o) => `node ${o.node} of pipeline ${o.pipeline}`).join(', ');
    errors.push(configError(entry.path, 'HostWideConflict', `${entry.observes} is also observed by ${users}; keep one`));
  });
  return errors;
}
