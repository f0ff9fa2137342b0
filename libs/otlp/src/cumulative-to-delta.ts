import type { MetricPoint } from '@vigil/contracts';
import { z } from 'zod';
import { counterStateOf, deltaOf, isCumulative, type CounterState } from './cumulative-delta.math';
import { metricSeriesKey } from './metric-series-key';

/** Default bound on tracked series: ~100-200 bytes each, so tens of MB at most. */
export const DEFAULT_MAX_SERIES = 100_000;

export interface CumulativeToDeltaOptions {
  /** Series remembered at most; the least recently seen is forgotten first. Default 100 000. */
  maxSeries?: number;
}

/** What is remembered of one series: the start of its cumulative run and its last point. */
export interface SeriesState {
  startTimeUnixNano: string;
  timeUnixNano: string;
  last: CounterState;
}

/** JSON-serializable state: `series` is [seriesKey, state] pairs, least recently seen first. */
export interface CumulativeToDeltaSnapshot {
  version: 1;
  series: [string, SeriesState][];
}

const nanosSchema = z.string().regex(/^\d+$/);
const bucketsSchema = z.object({ offset: z.number().int(), bucketCounts: z.array(z.number()) });
const nullableNumber = z.number().nullable();
const snapshotSchema = z.object({
  version: z.literal(1),
  series: z.array(
    z.tuple([
      z.string(),
      z.object({
        startTimeUnixNano: nanosSchema,
        timeUnixNano: nanosSchema,
        last: z.discriminatedUnion('type', [
          z.object({ type: z.literal('sum'), value: z.number() }),
          z.object({
            type: z.literal('histogram'),
            count: z.number(),
            sum: nullableNumber,
            bucketCounts: z.array(z.number()),
            explicitBounds: z.array(z.number()),
          }),
          z.object({
            type: z.literal('exponential_histogram'),
            count: z.number(),
            sum: nullableNumber,
            scale: z.number().int(),
            zeroCount: z.number(),
            zeroThreshold: z.number(),
            positive: bucketsSchema,
            negative: bucketsSchema,
          }),
        ]),
      }),
    ]),
  ),
});

/** Time ≤ the last seen time of the series: a duplicate or a point that arrived late. */
function isNotAfter(time: string, lastTime: string): boolean {
  return BigInt(time) <= BigInt(lastTime);
}

/**
 * Turns cumulative sums, histograms and exponential histograms into deltas, series by series.
 * A pure state machine: no clock, no I/O; its state can be snapshotted as JSON and restored.
 *
 * - The first point of a series gives null (nothing to diff against yet).
 * - A later point gives the delta since the previous one: same shape, `temporality: 'delta'`,
 *   `startTimeUnixNano` = the previous point's time; min/max (unknowable) become null.
 * - A restart (start time changed, or a monotonic value went down) gives the point itself as a
 *   delta: after a restart its cumulative value is exactly what accumulated since its start.
 * - A point not after the last one seen (duplicate, out of order) gives null and changes nothing.
 * - A point flagged "no recorded value" gives null and forgets the series: there is no value
 *   to diff, and whatever comes next starts a new run.
 * - Everything else (delta, unspecified temporality, gauges, summaries) passes through as is.
 */
export class CumulativeToDelta {
  readonly maxSeries: number;
  // Map iteration order is insertion order: re-inserting on every hit keeps it an LRU.
  private readonly series = new Map<string, SeriesState>();

  constructor(snapshot?: CumulativeToDeltaSnapshot, options: CumulativeToDeltaOptions = {}) {
    const maxSeries = options.maxSeries ?? DEFAULT_MAX_SERIES;
    if (!Number.isSafeInteger(maxSeries) || maxSeries <= 0) {
      throw new RangeError(`maxSeries must be a positive integer, got ${String(maxSeries)}`);
    }
    this.maxSeries = maxSeries;
    if (snapshot !== undefined) {
      const parsed = snapshotSchema.safeParse(snapshot);
      if (!parsed.success) throw new TypeError(`not a CumulativeToDelta snapshot: ${parsed.error.message}`);
      for (const [key, state] of parsed.data.series) this.remember(key, state);
    }
  }

  /** Series currently tracked. */
  get size(): number {
    return this.series.size;
  }

  convert(point: MetricPoint): MetricPoint | null {
    if (!isCumulative(point)) return point;
    const key = metricSeriesKey(point);
    if ((point.flags & 1) === 1) {
      this.series.delete(key);
      return null;
    }
    const previous = this.series.get(key);
    if (previous && isNotAfter(point.timeUnixNano, previous.timeUnixNano)) {
      this.remember(key, previous);
      return null;
    }
    this.remember(key, {
      startTimeUnixNano: point.startTimeUnixNano,
      timeUnixNano: point.timeUnixNano,
      last: counterStateOf(point),
    });
    if (!previous) return null;
    const restarted = point.startTimeUnixNano !== previous.startTimeUnixNano;
    const delta = restarted ? null : deltaOf(point, previous.last, previous.timeUnixNano);
    // After a restart the cumulative value is exactly what accumulated since the point's start.
    return delta ?? { ...point, temporality: 'delta' };
  }

  /** JSON-serializable; `new CumulativeToDelta(snapshot)` continues exactly where this is. */
  snapshot(): CumulativeToDeltaSnapshot {
    // structuredClone: the snapshot must not change when this instance goes on converting.
    return { version: 1, series: structuredClone([...this.series]) };
  }

  private remember(key: string, state: SeriesState): void {
    this.series.delete(key);
    this.series.set(key, state);
    if (this.series.size > this.maxSeries) {
      const oldest = this.series.keys().next();
      if (!oldest.done) this.series.delete(oldest.value);
    }
  }
}
