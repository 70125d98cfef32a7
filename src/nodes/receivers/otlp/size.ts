// Byte sizes as the config schema accepts them (`byteSize` in common-schemas): a number of bytes or `4MiB`, `512KiB`,
// `4MB`. Decimal units are powers of 1000, binary ones powers of 1024.
const UNITS: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1e3,
  KiB: 1024,
  MB: 1e6,
  MiB: 1024 ** 2,
  GB: 1e9,
  GiB: 1024 ** 3,
};

export function parseByteSize(value: number | string): number {
  if (typeof value === 'number') return value;
  const match = /^([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)$/.exec(value.trim());
  const unit = UNITS[match?.[2] || 'B'];
  if (!match || unit === undefined) throw new Error(`not a byte size: ${value}`);
  return Math.floor(Number(match[1]) * unit);
}
