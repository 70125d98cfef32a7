// Listening addresses across the whole config. The supervisor owns one socket per address and routes it to one
// pipeline, so two receivers (in any pipelines) on the same address cannot both work. Port 0 asks for a free port
// and never conflicts; a wildcard host (0.0.0.0, ::) conflicts with every host on the same port. UDP ports are apart
// from TCP ports: a UDP listener conflicts only with another UDP listener.
import { configError, type ConfigError, type PathSegment } from './errors.js';
import { pipelineLabel, type PipelineLocation, type ResolvedNode } from './model.js';
import type { ListenerSpec } from './effective.js';

export interface ListenerEntry {
  pipeline: string;
  /** `<node>/<protocol>`, as the descriptor names it. */
  listener: string;
  address: string;
  /** `udp`, or any of the protocols over TCP. */
  protocol: ListenerSpec['protocol'];
  path: readonly PathSegment[];
}

export function collectListeners(nodes: ReadonlyMap<string, ResolvedNode>, at: PipelineLocation): ListenerEntry[] {
  const out: ListenerEntry[] = [];
  for (const node of nodes.values()) {
    if (!node.config || !node.descriptor.listeners) continue;
    for (const spec of node.descriptor.listeners(node.name, node.config)) {
      const configPath = findValuePath(node.config, spec.address, spec.protocol) ?? [];
      out.push({
        pipeline: pipelineLabel(at),
        listener: spec.id,
        address: spec.address,
        protocol: spec.protocol,
        path: [...at.base, 'nodes', node.name, 'config', ...configPath],
      });
    }
  }
  return out;
}

export function findAddressConflicts(listeners: readonly ListenerEntry[]): ConfigError[] {
  const errors: ConfigError[] = [];
  listeners.forEach((entry, i) => {
    const udp = entry.protocol === 'udp';
    const others = listeners.filter((other, j) => j !== i && (other.protocol === 'udp') === udp && sameAddress(entry.address, other.address));
    if (others.length === 0) return;
    const users = others.map((o) => `listener ${o.listener} of pipeline ${o.pipeline}`).join(', ');
    errors.push(configError(entry.path, 'AddressInUse', `address ${entry.address} is also used by ${users}`));
  });
  return errors;
}

interface HostPort {
  host: string;
  port: number;
}

function split(address: string): HostPort | undefined {
  const colon = address.lastIndexOf(':');
  if (colon < 0) return undefined;
  const host = address.slice(0, colon).replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const port = Number(address.slice(colon + 1));
  return Number.isInteger(port) ? { host, port } : undefined;
}

const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::']);

export function sameAddress(a: string, b: string): boolean {
  const x = split(a);
  const y = split(b);
  if (!x || !y || x.port === 0 || x.port !== y.port) return false;
  return x.host === y.host || WILDCARD_HOSTS.has(x.host) || WILDCARD_HOSTS.has(y.host);
}

// Descriptors report addresses, not where they came from; the config field that holds the address is the useful
// error path. When several fields hold it, prefer the one under the listener's protocol (`protocols.grpc...`).
function findValuePath(config: unknown, value: string, protocol: string): PathSegment[] | undefined {
  const found: PathSegment[][] = [];
  const walk = (node: unknown, at: PathSegment[]): void => {
    if (node === value) found.push(at);
    else if (Array.isArray(node)) node.forEach((item, i) => walk(item, [...at, i]));
    else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) walk(item, [...at, key]);
    }
  };
  walk(config, []);
  return found.find((p) => p.includes(protocol)) ?? found[0];
}
