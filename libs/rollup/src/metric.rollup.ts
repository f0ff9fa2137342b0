import type { MetricPoint } from '@vigil/contracts';
import { minuteOf } from './time-bucket';

export interface MetricSeriesRow {
  seriesKey: string;
  service: string;
  name: string;
  type: MetricPoint['type'];
  unit: string;
  temporality: string;
  attributes: MetricPoint['attributes'];
  resource: MetricPoint['resource'];
}

/**
 * One series-minute. Delta and gauge points merge additively (counts, sums, bucket counts add
 * up); cumulative points keep the latest point of the minute, from which the reader derives
 * deltas between minutes (with reset detection: a new start time or a drop).
 */
export interface MetricRollupRow {
  seriesKey: string;
  minute: number;
  cumulative: boolean;
  points: number;
  valueSum: number;
  valueMin: number | null;
  valueMax: number | null;
  lastValue: number | null;
  lastTimeUnixNano: string;
  startTimeUnixNano: string;
  count: number | null;
  sum: number | null;
  bounds: number[] | null;
  buckets: number[] | null;
  /** Type-specific detail kept as the latest: summary quantiles, exponential buckets. */
  detail: Record<string, unknown> | null;
}

const later = (a: string, b: string): boolean => a.length !== b.length ? a.length > b.length : a > b;

function scalarOf(point: MetricPoint): number | null {
  return point.type === 'gauge' || point.type === 'sum' ? point.value : null;
}

function rowOf(point: MetricPoint, seriesKey: string): MetricRollupRow {
  const cumulative = 'temporality' in point ? point.temporality === 'cumulative' : point.type === 'summary';
  const value = scalarOf(point);
  const row: MetricRollupRow = {
    seriesKey,
    minute: minuteOf(point.timeUnixNano),
    cumulative,
    points: 1,
    valueSum: value ?? 0,
    valueMin: value,
    valueMax: value,
    lastValue: value,
    lastTimeUnixNano: point.timeUnixNano,
    startTimeUnixNano: point.startTimeUnixNano,
    count: null,
    sum: null,
    bounds: null,
    buckets: null,
    detail: null,
  };
  if (point.type === 'histogram') {
    Object.assign(row, { count: point.count, sum: point.sum, bounds: point.explicitBounds, buckets: point.bucketCounts });
    row.valueMin = point.min;
    row.valueMax = point.max;
  } else if (point.type === 'exponential_histogram') {
    Object.assign(row, { count: point.count, sum: point.sum });
    row.valueMin = point.min;
    row.valueMax = point.max;
    row.detail = { scale: point.scale, zeroCount: point.zeroCount, positive: point.positive, negative: point.negative };
  } else if (point.type === 'summary') {
    Object.assign(row, { count: point.count, sum: point.sum });
    row.detail = { quantiles: point.quantiles };
  }
  return row;
}

const minOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));
const maxOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

/** Merges b into a, the same way the store's upsert does. */
export function mergeMetricRows(a: MetricRollupRow, b: MetricRollupRow): void {
  const bIsLater = later(b.lastTimeUnixNano, a.lastTimeUnixNano);
  a.points += b.points;
  a.valueSum += b.valueSum;
  a.valueMin = minOf(a.valueMin, b.valueMin);
  a.valueMax = maxOf(a.valueMax, b.valueMax);
  if (a.cumulative) {
    if (bIsLater) {
      Object.assign(a, { lastValue: b.lastValue, lastTimeUnixNano: b.lastTimeUnixNano, startTimeUnixNano: b.startTimeUnixNano });
      Object.assign(a, { count: b.count, sum: b.sum, bounds: b.bounds, buckets: b.buckets, detail: b.detail });
    }
    return;
  }
  if (bIsLater) Object.assign(a, { lastValue: b.lastValue, lastTimeUnixNano: b.lastTimeUnixNano, detail: b.detail ?? a.detail });
  if (a.count !== null || b.count !== null) a.count = (a.count ?? 0) + (b.count ?? 0);
  if (a.sum !== null || b.sum !== null) a.sum = (a.sum ?? 0) + (b.sum ?? 0);
  if (a.buckets && b.buckets && a.buckets.length === b.buckets.length) {
    a.buckets = a.buckets.map((c, i) => c + (b.buckets?.[i] ?? 0));
  } else if (b.buckets && bIsLater) {
    // Bounds changed mid-minute (a config change): the newer layout wins.
    a.bounds = b.bounds;
    a.buckets = b.buckets;
  }
}

/** Per-series one-minute aggregates for one batch of metric points. */
export class MetricRollup {
  private readonly rowsByKey = new Map<string, MetricRollupRow>();
  private readonly series = new Map<string, MetricSeriesRow>();

  add(point: MetricPoint, seriesKey: string): void {
    // A point flagged "no recorded value" marks staleness: it says nothing about the value.
    if ((point.flags & 1) === 1) return;
    if (!this.series.has(seriesKey)) {
      this.series.set(seriesKey, {
        seriesKey,
        service: point.service,
        name: point.name,
        type: point.type,
        unit: point.unit,
        temporality: 'temporality' in point ? point.temporality : 'unspecified',
        attributes: point.attributes,
        resource: point.resource,
      });
    }
    const row = rowOf(point, seriesKey);
    const key = `${seriesKey}\u0000${row.minute}`;
    const existing = this.rowsByKey.get(key);
    if (existing) mergeMetricRows(existing, row);
    else this.rowsByKey.set(key, row);
  }

  seriesRows(): MetricSeriesRow[] {
    return [...this.series.values()];
  }

  rows(): MetricRollupRow[] {
    return [...this.rowsByKey.values()];
  }
}
