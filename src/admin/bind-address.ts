// `host:port` as written in engine.http_admin.bind_address and --http-admin-bind; IPv6 hosts in brackets.
import type { AddressInfo } from 'node:net';

export interface BindAddress {
  host: string;
  port: number;
}

export function parseBindAddress(bind: string): BindAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(bind);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || !Number.isInteger(port) || port > 65_535) {
    throw new Error(`invalid bind address '${bind}': expected host:port (IPv6 as [host]:port), port 0-65535`);
  }
  return { host, port };
}

export function formatAddress(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${host}:${address.port}`;
}
