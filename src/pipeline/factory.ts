// Turns a configured node into a live NodeInstance through a node registry handed in by whoever builds the runtime:
// the instance entry passes the built-in one (src/nodes/implementations.ts), which loads an implementation only when a
// pipeline uses it; tests and embedders pass their own. The pipeline layer itself knows no node type.
import type { EffectiveNode } from '../config/effective.js';
import type { NodeCapabilities } from '../extensions/capabilities.js';
import { NodeError } from './errors.js';
import type { NodeInstance } from './node.js';

/** `capabilities` are the extension services the node's config binds, resolved once when the graph is built. */
export type NodeFactory = (name: string, config: Record<string, unknown>, capabilities: NodeCapabilities) => NodeInstance;
/** The factory for a URN; undefined when the registry has no such node type. */
export type FactoryResolver = (urn: string) => Promise<NodeFactory | undefined>;

export async function instantiate(node: EffectiveNode, resolve: FactoryResolver, capabilities: NodeCapabilities = {}): Promise<NodeInstance> {
  try {
    const factory = await resolve(node.urn);
    if (!factory) throw new Error(`unknown node type ${node.urn}`);
    const instance = factory(node.name, node.config, capabilities);
    if (instance.kind !== node.kind) {
      throw new Error(`implementation is a ${instance.kind}, the config declares a ${node.kind}`);
    }
    return instance;
  } catch (error) {
    throw new NodeError(node.name, node.urn, 'build', error);
  }
}
