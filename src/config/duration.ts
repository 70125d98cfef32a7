// Durations and byte sizes as operators write them. Both parsers accept exactly what the joi schemas in
// src/config/common-schemas.ts let through, so a validated value always parses; anything else is a bug and throws.

// Upstream reads durations with humantime: a number and a unit, several in a row (`1h 30m`), units short or long
// (`250ms`, `30s`, `5min`, `72h`, `7d`, `2 days`). The same set is accepted here; months and years, whose length
// humantime fixes by convention rather than by the calendar, are left out.
const UNIT = 'nanoseconds|nanosecond|nsec|ns|microseconds|microsecond|usec|us|µs|milliseconds|millisecond|msec|ms|seconds|second|secs|sec|s|minutes|minute|mins|min|m|hours|hour|hrs|hr|h|days|day|d|weeks|week|w';
const PART = `([0-9]+(?:\\.[0-9]+)?)\\s*(${UNIT})`;
/** A duration as written in a config: `250ms`, `1.5s`, `1m`, `1h 30m`, `7d`. */
export const DURATION_PATTERN = new RegExp(`^(?:${PART})(?:\\s*${PART})*$`);
const PARTS = new RegExp(PART, 'g');
const MS_PER_UNIT: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const UNIT_ALIASES: Record<string, keyof typeof MS_PER_UNIT> = {
  nanoseconds: 'ns', nanosecond: 'ns', nsec: 'ns', ns: 'ns',
  microseconds: 'us', microsecond: 'us', usec: 'us', us: 'us', µs: 'us',
  milliseconds: 'ms', millisecond: 'ms', msec: 'ms', ms: 'ms',
  seconds: 's', second: 's', secs: 's', sec: 's', s: 's',
  minutes: 'm', minute: 'm', mins: 'm', min: 'm', m: 'm',
  hours: 'h', hour: 'h', hrs: 'h', hr: 'h', h: 'h',
  days: 'd', day: 'd', d: 'd',
  weeks: 'w', week: 'w', w: 'w',
};

/** `250ms` → 250, `30s` → 30000, `1h 30m` → 5400000 (milliseconds; sub-millisecond units give fractions). */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (!DURATION_PATTERN.test(trimmed)) throw new RangeError(`not a duration: ${JSON.stringify(text)} (use 250ms, 30s, 1m)`);
  let ms = 0;
  for (const [, amount, unit] of trimmed.matchAll(PARTS)) {
    ms += Number(amount) * (MS_PER_UNIT[UNIT_ALIASES[unit as string] as string] as number);
  }
  return ms;
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
