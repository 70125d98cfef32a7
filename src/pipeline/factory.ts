// Turns a configured node into a live NodeInstance: the implementation is loaded on demand (so an instance loads only
// the node types its pipeline uses), unless the caller supplies its own resolver (tests, embedders).
import type { EffectiveNode } from '../config/effective.js';
import type { NodeCapabilities } from '../extensions/capabilities.js';
import { implementations, type NodeFactory } from '../nodes/implementations.js';
import { NodeError } from './errors.js';
import type { NodeInstance } from './node.js';

export type { NodeFactory };
/** Returns the factory for a URN, or undefined to fall back to the built-in catalog. */
export type FactoryResolver = (urn: string) => Promise<NodeFactory | undefined>;

export async function instantiate(
  node: EffectiveNode,
  resolve?: FactoryResolver,
  capabilities: NodeCapabilities = {},
): Promise<NodeInstance> {
  try {
    const factory = (await resolve?.(node.urn)) ?? (await loadFromCatalog(node.urn));
    const instance = factory(node.name, node.config, capabilities);
    if (instance.kind !== node.kind) {
      throw new Error(`implementation is a ${instance.kind}, the config declares a ${node.kind}`);
    }
    return instance;
  } catch (error) {
    throw new NodeError(node.name, node.urn, 'build', error);
  }
}

async function loadFromCatalog(urn: string): Promise<NodeFactory> {
  const load = implementations[urn];
  if (!load) throw new Error(`unknown node type ${urn}`);
  return load();
}
