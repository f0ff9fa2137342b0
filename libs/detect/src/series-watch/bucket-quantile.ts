/**
 * A quantile from explicit-bounds bucket counts (OTLP histogram layout: `bounds.length + 1`
 * buckets, the last unbounded), interpolating linearly inside the bucket that holds it. The
 * unbounded bucket answers its lower bound (or `max` when the producer sent one).
 */
export function bucketQuantile(counts: readonly number[], bounds: readonly number[], q: number, max: number | null = null): number | null {
  let total = 0;
  for (const c of counts) total += c;
  if (total <= 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] as number;
    if (c > 0 && seen + c >= rank) {
      const lower = i === 0 ? Math.min(0, bounds[0] ?? 0) : (bounds[i - 1] as number);
      if (i >= bounds.length) return max ?? lower;
      const upper = bounds[i] as number;
      return lower + ((upper - lower) * (rank - seen)) / c;
    }
    seen += c;
  }
  return max ?? bounds[bounds.length - 1] ?? null;
}
