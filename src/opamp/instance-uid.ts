// The agent's instance uid: 16 bytes, written as a UUID. Upstream takes `instance_uid` from the config, else makes a
// UUIDv7 (time-ordered, so a server's list of agents sorts by when they first appeared).
import { randomBytes } from 'node:crypto';

export function uuidV7(nowMs: number = Date.now()): Uint8Array {
  const bytes = new Uint8Array(randomBytes(16));
  const ms = BigInt(nowMs);
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  return bytes;
}

/** A UUID as validated by the config schema (hyphens optional) to its 16 bytes. */
export function parseUuid(text: string): Uint8Array {
  const hex = text.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a UUID: ${text}`);
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

export function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  if (hex.length !== 32) return hex;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
