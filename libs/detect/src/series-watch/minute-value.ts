/**
 * What one derived series accumulates within one event-time minute, and how that becomes the
 * minute's value: a mean (gauges, latencies), a per-second rate (counters, request counts), a
 * ratio (errors / requests), a quantile of merged buckets, or the last value (summaries).
 */
export type MinuteValue =
  | { k: 'mean'; sum: number; n: number }
  | { k: 'rate'; total: number }
  | { k: 'ratio'; num: number; den: number; minDen: number }
  | { k: 'quantile'; q: number; counts: number[]; bounds: number[]; max: number | null }
  | { k: 'last'; v: number };

import { bucketQuantile } from './bucket-quantile';

export function valueOf(acc: MinuteValue): number | null {
  switch (acc.k) {
    case 'mean':
      return acc.n > 0 ? acc.sum / acc.n : null;
    case 'rate':
      return acc.total / 60;
    case 'ratio':
      // A handful of requests says little about an error ratio: skip the minute.
      return acc.den >= acc.minDen ? acc.num / acc.den : null;
    case 'quantile':
      return bucketQuantile(acc.counts, acc.bounds, acc.q, acc.max);
    case 'last':
      return acc.v;
  }
}

/** Adds `counts` into the accumulator's buckets; bounds that changed mid-minute restart it. */
export function mergeBuckets(acc: Extract<MinuteValue, { k: 'quantile' }>, counts: readonly number[], bounds: readonly number[], max: number | null): void {
  const same = acc.bounds.length === bounds.length && acc.bounds.every((b, i) => b === bounds[i]);
  if (!same) {
    acc.bounds = [...bounds];
    acc.counts = new Array<number>(counts.length).fill(0);
  }
  counts.forEach((c, i) => (acc.counts[i] = (acc.counts[i] ?? 0) + c));
  if (max !== null) acc.max = acc.max === null ? max : Math.max(acc.max, max);
}
