// Durations and byte sizes as operators write them. Both parsers accept exactly what the joi schemas in
// src/nodes/common-schemas.ts let through, so a validated value always parses; anything else is a bug and throws.

/** A duration as written in a config: a number and a unit (`250ms`, `1.5s`, `1m`). */
export const DURATION_PATTERN = /^([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)$/;
const MS_PER_UNIT: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** `250ms` → 250, `30s` → 30000, `1m` → 60000 (milliseconds; sub-millisecond units give fractions). */
export function parseDuration(text: string): number {
  const match = DURATION_PATTERN.exec(text.trim());
  const unit = match?.[2];
  if (!match || unit === undefined) throw new RangeError(`not a duration: ${JSON.stringify(text)} (use 250ms, 30s, 1m)`);
  return Number(match[1]) * (MS_PER_UNIT[unit] as number);
}

const BYTE_SIZE = /^([0-9]+(?:\.[0-9]+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/;
// Decimal prefixes are powers of 1000 and binary ones powers of 1024, as their names say.
const BYTES_PER_UNIT: Record<string, number> = {
  B: 1,
  KB: 1e3,
  KiB: 1024,
  MB: 1e6,
  MiB: 1024 ** 2,
  GB: 1e9,
  GiB: 1024 ** 3,
};

/** `64MiB` → 67108864; a plain number is bytes. */
export function parseByteSize(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`not a byte size: ${value}`);
    return Math.round(value);
  }
  const match = BYTE_SIZE.exec(value.trim());
  if (!match) throw new RangeError(`not a byte size: ${JSON.stringify(value)} (use 4096, 512KiB, 64MiB)`);
  return Math.round(Number(match[1]) * (BYTES_PER_UNIT[match[2] ?? 'B'] as number));
}
