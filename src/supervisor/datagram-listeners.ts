// UDP listeners (receiver:syslog_cef). A datagram has no connection to hand over, so the supervisor binds one socket
// per address and gives every serving instance a descriptor of that same socket: the kernel's one receive queue is
// shared, each datagram goes to exactly one instance that reads. The supervisor itself never reads it. Hence:
// - a rolling replace loses nothing the kernel accepted: the old instance stops reading when it drains (datagrams it
//   did not read stay queued for the others), what it read it hands on; the new one reads from when it serves;
// - while no instance serves (a crash, a restart), datagrams wait in the socket's receive buffer, as connections wait
//   in the listener table; past that buffer the kernel drops, as it would for any UDP receiver;
// - balance is by readiness across instances (per datagram, no long-lived flows to pin), and the data path never
//   passes through the supervisor.
// The bound-but-not-reading handle is libuv's UDP handle from `process.binding('udp_wrap')` (deprecated in the docs
// only): `dgram._createSocketHandle` would warn at run time, and a dgram.Socket starts reading the moment it binds.
import dns from 'node:dns/promises';
import net from 'node:net';
import { getSystemErrorName } from 'node:util';
import type { Logger } from 'pino';
import type { ListenerSpec } from '../pipeline/node.js';

/** libuv's UDP handle, as process.binding('udp_wrap') exposes it. */
export interface UdpHandle {
  bind(address: string, port: number, flags: number): number;
  bind6(address: string, port: number, flags: number): number;
  getsockname(out: Record<string, unknown>): number;
  close(callback?: () => void): void;
}

export type DatagramFamily = 'udp4' | 'udp6';

/** What a serving instance must offer to read a shared datagram socket. */
export interface DatagramTarget {
  /** Whether this target's pipeline config has listener `listenerId` on `address`. */
  serves(listenerId: string, address: string): boolean;
  /** Sends the target its descriptor of the socket; false when it cannot take it now (then it is offered again). */
  shareDatagrams(listenerId: string, handle: UdpHandle, family: DatagramFamily): boolean;
}

interface Entry {
  owner: string;
  spec: ListenerSpec;
  handle: UdpHandle;
  family: DatagramFamily;
  boundAddress: string;
  /** Targets that have their descriptor: each gets it once, and keeps reading until it drains. */
  given: WeakSet<DatagramTarget>;
}

function createHandle(): UdpHandle {
  const binding = (process as unknown as { binding(name: string): { UDP: new () => UdpHandle } }).binding('udp_wrap');
  return new binding.UDP();
}

export class DatagramListeners {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly logger: Logger) {}

  /** Binds `spec.address` (UDP) for `owner`; idempotent. Resolves with the bound host:port. */
  async bind(owner: string, spec: ListenerSpec): Promise<string> {
    const key = entryKey(owner, spec);
    const existing = this.entries.get(key);
    if (existing) return existing.boundAddress;
    const { host, port } = splitHostPort(spec.address);
    const ip = net.isIP(host) !== 0 ? host : (await dns.lookup(host)).address;
    const family: DatagramFamily = net.isIPv6(ip) ? 'udp6' : 'udp4';
    const handle = createHandle();
    // No SO_REUSEADDR: a second socket on the address fails with EADDRINUSE, as a TCP listener would.
    const err = family === 'udp6' ? handle.bind6(ip, port, 0) : handle.bind(ip, port, 0);
    if (err !== 0) {
      handle.close();
      const code = getSystemErrorName(err);
      throw Object.assign(new Error(`bind ${code} ${spec.address} (udp)`), { code });
    }
    const name: Record<string, unknown> = {};
    handle.getsockname(name);
    const boundAddress = family === 'udp6' ? `[${String(name.address)}]:${String(name.port)}` : `${String(name.address)}:${String(name.port)}`;
    this.entries.set(key, { owner, spec, handle, family, boundAddress, given: new WeakSet() });
    const [group, pipeline] = owner.split(':');
    this.logger.info({ group, pipeline, listener: spec.id, protocol: spec.protocol, address: boundAddress }, 'listener bound');
    return boundAddress;
  }

  /** Gives each serving target that has not got it yet its descriptor of the sockets of `owner` it serves. */
  setServing(owner: string, targets: readonly DatagramTarget[]): void {
    for (const entry of this.entries.values()) {
      if (entry.owner !== owner) continue;
      for (const target of targets) {
        if (entry.given.has(target) || !target.serves(entry.spec.id, entry.spec.address)) continue;
        if (target.shareDatagrams(entry.spec.id, entry.handle, entry.family)) entry.given.add(target);
      }
    }
  }

  boundAddresses(owner: string): Array<{ id: string; protocol: ListenerSpec['protocol']; address: string }> {
    return [...this.entries.values()]
      .filter((e) => e.owner === owner)
      .map((e) => ({ id: e.spec.id, protocol: e.spec.protocol, address: e.boundAddress }));
  }

  /**
   * Closes the supervisor's descriptor of the sockets of `owner` (or everyone's) but those in `keep`. Instances keep
   * theirs until they drain, so what they read is still handed on; the address is free once the last one closed it.
   */
  close(owner?: string, keep: readonly ListenerSpec[] = []): void {
    const kept = new Set(keep.map((spec) => entryKey(owner ?? '', spec)));
    for (const [key, entry] of this.entries) {
      if (owner !== undefined && entry.owner !== owner) continue;
      if (kept.has(key)) continue;
      this.entries.delete(key);
      entry.handle.close();
    }
  }
}

function entryKey(owner: string, spec: ListenerSpec): string {
  return `${owner}\u0000${spec.id}\u0000${spec.address}`;
}

function splitHostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  const rawHost = address.slice(0, colon);
  return { host: rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost, port: Number(address.slice(colon + 1)) };
}
