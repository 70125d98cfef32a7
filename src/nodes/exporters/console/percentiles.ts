// Approximate p50, p90 and p99 of a histogram data point for the `pretty` format's compact histograms: the midpoint of
// the bucket holding each rank, kept within min and max. Nothing is estimated when the data point does not add up
// (counts that do not match, bounds out of order, a rank in an open-ended bucket without min or max).
import { toDouble, type Buckets, type ExponentialHistogramDataPoint, type HistogramDataPoint } from './otlp-json.js';

export const PERCENTILES = [50, 90, 99] as const;
export type Estimates = Array<number | undefined>;

const NONE: Estimates = [undefined, undefined, undefined];

/** The 1-based rank of each percentile among `count` values: ceil(count × p / 100), without overflow. */
function ranks(count: bigint): bigint[] {
  return PERCENTILES.map((p) => (count * BigInt(p) + 99n) / 100n);
}

function range(min: number | undefined, max: number | undefined): boolean {
  if (min !== undefined && !Number.isFinite(min)) return false;
  if (max !== undefined && !Number.isFinite(max)) return false;
  return !(min !== undefined && max !== undefined && min > max);
}

function clamp(value: number | undefined, min: number | undefined, max: number | undefined): number | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  const low = min === undefined ? value : Math.max(value, min);
  return max === undefined ? low : Math.min(low, max);
}

function midpoint(lower: number | undefined, upper: number | undefined): number | undefined {
  if (lower === undefined || upper === undefined || lower > upper) return undefined;
  const value = lower * 0.5 + upper * 0.5;
  return Number.isFinite(value) ? value : undefined;
}

export function explicitPercentiles(point: HistogramDataPoint): Estimates {
  const count = BigInt(point.count ?? '0');
  const min = toDouble(point.min);
  const max = toDouble(point.max);
  if (count === 0n || !range(min, max)) return NONE;
  const bounds = (point.explicitBounds ?? []).map((b) => toDouble(b) as number);
  const counts = (point.bucketCounts ?? []).map((c) => BigInt(c));
  // One bucket more than bounds: the last one is open-ended, up to max.
  if (bounds.length === 0 || counts.length !== bounds.length + 1) return NONE;
  for (let i = 0; i < bounds.length; i++) {
    const bound = bounds[i] as number;
    if (!Number.isFinite(bound) || (i > 0 && bound <= (bounds[i - 1] as number))) return NONE;
  }
  const wanted = ranks(count);
  const out: Estimates = [...NONE];
  let cumulative = 0n;
  let lower = min;
  let next = 0;
  counts.forEach((bucket, i) => {
    const upper = i < bounds.length ? bounds[i] : max;
    cumulative += bucket;
    while (next < wanted.length && (wanted[next] as bigint) <= cumulative) out[next++] = clamp(midpoint(lower, upper), min, max);
    lower = upper;
  });
  return cumulative === count && next === wanted.length ? out : NONE;
}

function total(buckets: Buckets | undefined): bigint {
  return (buckets?.bucketCounts ?? []).reduce((sum, c) => sum + BigInt(c), 0n);
}

/** The index of the bucket holding the `rank`-th value, counting from the bucket nearest zero. */
function bucketAt(buckets: Buckets | undefined, rank: bigint): number | undefined {
  let cumulative = 0n;
  const counts = buckets?.bucketCounts ?? [];
  for (let i = 0; i < counts.length; i++) {
    cumulative += BigInt(counts[i] as string);
    if (cumulative >= rank) return (buckets?.offset ?? 0) + i;
  }
  return undefined;
}

/** The geometric middle of exponential bucket `index` at `scale`: 2^((index + 0.5) × 2^-scale). */
function exponentialMidpoint(scale: number, index: number, negative: boolean): number | undefined {
  const magnitude = 2 ** ((index + 0.5) * 2 ** -scale);
  if (!Number.isFinite(magnitude) || magnitude === 0) return undefined;
  return negative ? -magnitude : magnitude;
}

export function exponentialPercentiles(point: ExponentialHistogramDataPoint): Estimates {
  const count = BigInt(point.count ?? '0');
  const min = toDouble(point.min);
  const max = toDouble(point.max);
  if (count === 0n || !range(min, max)) return NONE;
  const negative = total(point.negative);
  const zero = BigInt(point.zeroCount ?? '0');
  const positive = total(point.positive);
  if (negative + zero + positive !== count) return NONE;
  const scale = point.scale ?? 0;
  return ranks(count).map((rank) => {
    let estimate: number | undefined;
    if (rank <= negative) {
      // Negative buckets grow away from zero: the smallest values are in the last ones.
      const index = bucketAt(point.negative, negative - rank + 1n);
      estimate = index === undefined ? undefined : exponentialMidpoint(scale, index, true);
    } else if (rank <= negative + zero) {
      estimate = 0;
    } else {
      const index = bucketAt(point.positive, rank - negative - zero);
      estimate = index === undefined ? undefined : exponentialMidpoint(scale, index, false);
    }
    return clamp(estimate, min, max);
  });
}
