// Connections to edges. `from` and `to` take one name or a list (a hyper-edge: every source to every target);
// `from` may name an output port as `node["port"]`. Checks here need only one connection at a time.
import type { NodeKind } from './effective.js';
import type { ConnectionSpec } from './types.js';
import { configError, type ConfigError, type PathSegment } from './errors.js';
import type { PipelineLocation, ResolvedNode } from './model.js';

export const DEFAULT_PORT = 'default';

export interface Edge {
  from: string;
  port: string;
  to: string;
  /** The targets this one competes with for each message (dispatch one_of), itself included; absent: it gets all. */
  oneOf?: string[];
  /** Index of the connection the edge came from, for error paths. */
  connection: number;
}

export interface ConnectionsResult {
  edges: Edge[];
  /** Every node named by a connection, known or not: a node outside this set is unconnected. */
  referenced: Set<string>;
  errors: ConfigError[];
}

const PORT_SELECTOR = /^(.+)\[\s*(?:"([^"]*)"|'([^']*)')\s*\]$/;

/** `router["logs"]` → { node: 'router', port: 'logs' }; a plain name uses the default port. */
export function parseSource(text: string): { node: string; port: string | undefined } {
  const match = PORT_SELECTOR.exec(text.trim());
  if (!match) return { node: text, port: undefined };
  return { node: match[1] as string, port: match[2] ?? match[3] };
}

function listed(value: string | string[], path: readonly PathSegment[]): Array<{ text: string; path: PathSegment[] }> {
  return typeof value === 'string'
    ? [{ text: value, path: [...path] }]
    : value.map((text, i) => ({ text, path: [...path, i] }));
}

export function resolveConnections(
  specs: readonly ConnectionSpec[],
  declared: ReadonlySet<string>,
  nodes: ReadonlyMap<string, ResolvedNode>,
  at: PipelineLocation,
): ConnectionsResult {
  const edges: Edge[] = [];
  const referenced = new Set<string>();
  const errors: ConfigError[] = [];
  const kindOf = (name: string): NodeKind | undefined => nodes.get(name)?.kind;

  specs.forEach((spec, index) => {
    const base = [...at.base, 'connections', index];
    const sources: Array<{ node: string; port: string }> = [];
    for (const { text, path } of listed(spec.from, [...base, 'from'])) {
      const { node, port } = parseSource(text);
      if (!declared.has(node)) {
        errors.push(configError(path, 'UnknownNode', unknownNode(node, declared)));
        continue;
      }
      referenced.add(node);
      if (kindOf(node) === 'exporter') {
        errors.push(configError(path, 'ExporterAsSource', `"${node}" is an exporter; exporters have no output`));
        continue;
      }
      const portError = checkPort(nodes.get(node), port);
      if (portError) errors.push(configError(path, 'UnknownPort', portError));
      else sources.push({ node, port: port ?? DEFAULT_PORT });
    }
    const targets: string[] = [];
    for (const { text, path } of listed(spec.to, [...base, 'to'])) {
      if (!declared.has(text)) {
        errors.push(configError(path, 'UnknownNode', unknownNode(text, declared)));
        continue;
      }
      referenced.add(text);
      if (kindOf(text) === 'receiver') {
        errors.push(configError(path, 'ReceiverAsTarget', `"${text}" is a receiver; receivers take no input`));
        continue;
      }
      targets.push(text);
    }
    // Upstream's default: several targets of one connection share its messages, each message to one of them.
    const distinct = [...new Set(targets)].sort();
    const competing = distinct.length > 1 && (spec.policies?.dispatch ?? 'one_of') === 'one_of';
    for (const s of sources) {
      for (const to of targets) {
        edges.push({ from: s.node, port: s.port, to, connection: index, ...(competing ? { oneOf: distinct } : {}) });
      }
    }
  });
  return { edges, referenced, errors };
}

// A node that declares no ports has only the default one; a node whose config failed cannot say, so it is trusted.
// Node-level `outputs` (upstream's declaration) narrow that further: a connection may only name a declared output.
function checkPort(node: ResolvedNode | undefined, port: string | undefined): string | undefined {
  if (node?.outputs !== undefined && node.outputs.length > 0) {
    const selected = port ?? node.defaultOutput ?? DEFAULT_PORT;
    if (!node.outputs.includes(selected)) {
      return `"${node.name}" declares outputs ${node.outputs.join(', ')}; "${selected}" is not one of them`;
    }
    if (node.config === undefined || node.descriptor.outputPorts === undefined) return undefined;
    const ports = node.descriptor.outputPorts(node.config);
    return ports.includes(selected) ? undefined : `"${node.name}" has no output port "${selected}"; its ports: ${ports.join(', ')}`;
  }
  if (node?.config === undefined) return undefined;
  const ports = node.descriptor.outputPorts?.(node.config) ?? [DEFAULT_PORT];
  // A node with named ports and no default one would send nothing down a plain `from: node` connection.
  if (port === undefined) {
    return ports.includes(DEFAULT_PORT) ? undefined : `"${node.name}" sends only on named ports: connect from ${ports.map((p) => `${node.name}["${p}"]`).join(', ')}`;
  }
  if (ports.includes(port)) return undefined;
  return `"${node.name}" has no output port "${port}"; its ports: ${ports.join(', ')}`;
}

function unknownNode(name: string, declared: ReadonlySet<string>): string {
  const known = [...declared].sort();
  return `unknown node "${name}"; nodes of this pipeline: ${known.length > 0 ? known.join(', ') : '(none)'}`;
}
