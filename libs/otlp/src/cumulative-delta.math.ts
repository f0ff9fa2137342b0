import type { MetricPoint } from '@vigil/contracts';

/*
 * The arithmetic of cumulative → delta, one point type at a time. What is remembered of a
 * series is only what the next diff needs, in plain JSON values, so it can be snapshotted.
 */

export type CumulativePoint = Extract<MetricPoint, { type: 'sum' | 'histogram' | 'exponential_histogram' }>;
type Buckets = Extract<MetricPoint, { type: 'exponential_histogram' }>['positive'];

/** The last cumulative value of a series. */
export type CounterState =
  | { type: 'sum'; value: number }
  | { type: 'histogram'; count: number; sum: number | null; bucketCounts: number[]; explicitBounds: number[] }
  | {
      type: 'exponential_histogram';
      count: number;
      sum: number | null;
      scale: number;
      zeroCount: number;
      zeroThreshold: number;
      positive: Buckets;
      negative: Buckets;
    };

export function isCumulative(point: MetricPoint): point is CumulativePoint {
  return (
    (point.type === 'sum' || point.type === 'histogram' || point.type === 'exponential_histogram') &&
    point.temporality === 'cumulative'
  );
}

export function counterStateOf(point: CumulativePoint): CounterState {
  switch (point.type) {
    case 'sum':
      return { type: 'sum', value: point.value };
    case 'histogram':
      return {
        type: 'histogram',
        count: point.count,
        sum: point.sum,
        // Copies: the state must not change if the caller reuses the point's arrays.
        bucketCounts: [...point.bucketCounts],
        explicitBounds: [...point.explicitBounds],
      };
    case 'exponential_histogram':
      return {
        type: 'exponential_histogram',
        count: point.count,
        sum: point.sum,
        scale: point.scale,
        zeroCount: point.zeroCount,
        zeroThreshold: point.zeroThreshold,
        positive: { offset: point.positive.offset, bucketCounts: [...point.positive.bucketCounts] },
        negative: { offset: point.negative.offset, bucketCounts: [...point.negative.bucketCounts] },
      };
  }
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** Element-wise a − b, or null when any count went down (the series restarted). */
function subtractCounts(a: readonly number[], b: readonly number[]): number[] | null {
  const result = a.map((value, i) => value - (b[i] ?? 0));
  return result.every((value) => value >= 0) ? result : null;
}

/**
 * Buckets at scale s re-expressed at scale s − shift: bucket index i becomes i >> shift (floor
 * division by 2^shift, also right for negative indexes). Cumulative SDKs only ever lower the
 * scale of a series, when its range grows.
 */
function downscale(buckets: Buckets, shift: number): Buckets {
  if (shift === 0 || buckets.bucketCounts.length === 0) return buckets;
  const first = buckets.offset >> shift;
  const last = (buckets.offset + buckets.bucketCounts.length - 1) >> shift;
  const counts = new Array<number>(last - first + 1).fill(0);
  buckets.bucketCounts.forEach((count, k) => {
    const index = ((buckets.offset + k) >> shift) - first;
    counts[index] = (counts[index] ?? 0) + count;
  });
  return { offset: first, bucketCounts: counts };
}

/** current − previous over current's index range; null if previous counted outside it or more. */
function subtractBuckets(current: Buckets, previous: Buckets): Buckets | null {
  const counts = current.bucketCounts.map((count, k) => {
    const previousIndex = current.offset + k - previous.offset;
    return count - (previous.bucketCounts[previousIndex] ?? 0);
  });
  const end = current.offset + current.bucketCounts.length;
  const lostCount = previous.bucketCounts.some(
    (count, k) => count > 0 && (previous.offset + k < current.offset || previous.offset + k >= end),
  );
  return lostCount || counts.some((count) => count < 0) ? null : { offset: current.offset, bucketCounts: counts };
}

function subtractSum(current: number | null, previous: number | null): number | null {
  return current === null || previous === null ? null : current - previous;
}

/**
 * The delta from `previous` to `point`, starting at `startTimeUnixNano`, or null when the two
 * cannot be diffed because the series restarted (a monotonic value went down, or the bucket
 * layout changed in a way a running cumulative series never does). Min and max of the interval
 * are unknowable from two cumulative points, so deltas carry null.
 */
export function deltaOf(
  point: CumulativePoint,
  previous: CounterState,
  startTimeUnixNano: string,
): CumulativePoint | null {
  const interval = { temporality: 'delta' as const, startTimeUnixNano };
  if (point.type === 'sum' && previous.type === 'sum') {
    if (point.monotonic && point.value < previous.value) return null;
    return { ...point, ...interval, value: point.value - previous.value };
  }
  if (point.type === 'histogram' && previous.type === 'histogram') {
    if (!sameNumbers(point.explicitBounds, previous.explicitBounds) || point.count < previous.count) return null;
    const bucketCounts = subtractCounts(point.bucketCounts, previous.bucketCounts);
    if (!bucketCounts || point.bucketCounts.length !== previous.bucketCounts.length) return null;
    const sum = subtractSum(point.sum, previous.sum);
    return { ...point, ...interval, count: point.count - previous.count, sum, min: null, max: null, bucketCounts };
  }
  if (point.type === 'exponential_histogram' && previous.type === 'exponential_histogram') {
    const shift = previous.scale - point.scale;
    if (shift < 0 || point.zeroThreshold !== previous.zeroThreshold) return null;
    if (point.count < previous.count || point.zeroCount < previous.zeroCount) return null;
    const positive = subtractBuckets(point.positive, downscale(previous.positive, shift));
    const negative = subtractBuckets(point.negative, downscale(previous.negative, shift));
    if (!positive || !negative) return null;
    return {
      ...point,
      ...interval,
      count: point.count - previous.count,
      sum: subtractSum(point.sum, previous.sum),
      min: null,
      max: null,
      zeroCount: point.zeroCount - previous.zeroCount,
      positive,
      negative,
    };
  }
  // The series key includes the type, so the types always agree; this is for the compiler.
  return null;
}
