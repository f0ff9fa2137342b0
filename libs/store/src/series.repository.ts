import type { Queryable } from './database';
import { msOf, tsParam } from './incident-rows';

export interface SeriesQuery {
  service: string;
  fromMs: number;
  toMs: number;
  /** Spans: one operation; metrics: one metric name. */
  name?: string;
  /** At most this many series come back (the busiest). */
  maxSeries: number;
}

export interface SeriesPoint {
  t: number;
  [field: string]: number | null;
}

export interface ChartSeries {
  key: string;
  label: string;
  points: SeriesPoint[];
}

/** Per-minute rollups shaped for charts: RED per operation, log counts per severity, metric values per series. */
export class SeriesRepository {
  constructor(private readonly db: Queryable) {}

  async spans(q: SeriesQuery): Promise<ChartSeries[]> {
    const { rows } = await this.db.query<{ operation: string; kind: string; minute_ms: number; requests: string; errors: string; duration_sum_ms: number; duration_max_ms: number }>(
      `SELECT operation, kind, ${msOf('minute')}, requests::text AS requests, errors::text AS errors, duration_sum_ms, duration_max_ms FROM span_red_1m
       WHERE service = $1 AND minute >= ${tsParam(2)} AND minute < ${tsParam(3)} ${q.name ? 'AND operation = $4' : ''}
       ORDER BY operation, kind, minute`,
      q.name ? [q.service, q.fromMs, q.toMs, q.name] : [q.service, q.fromMs, q.toMs],
    );
    return this.group(rows, (r) => `${r.kind}:${r.operation}`, (r) => `${r.operation} (${r.kind})`, (r) => {
      const requests = Number(r.requests);
      const errors = Number(r.errors);
      return { t: r.minute_ms, requests, errors, errorRatio: requests === 0 ? null : errors / requests, avgMs: requests === 0 ? null : r.duration_sum_ms / requests, maxMs: r.duration_max_ms };
    }, q.maxSeries);
  }

  async logs(q: SeriesQuery): Promise<ChartSeries[]> {
    const { rows } = await this.db.query<{ severity: string; minute_ms: number; count: string }>(
      `SELECT severity, ${msOf('minute')}, count::text AS count FROM log_counts_1m WHERE service = $1 AND minute >= ${tsParam(2)} AND minute < ${tsParam(3)} ORDER BY severity, minute`,
      [q.service, q.fromMs, q.toMs],
    );
    return this.group(rows, (r) => r.severity, (r) => r.severity, (r) => ({ t: r.minute_ms, count: Number(r.count) }), q.maxSeries);
  }

  async metrics(q: SeriesQuery): Promise<ChartSeries[]> {
    const { rows } = await this.db.query<{ series_key: string; name: string; unit: string; minute_ms: number; points: string; value_sum: number; value_min: number | null; value_max: number | null; last_value: number | null }>(
      `SELECT r.series_key, s.name, s.unit, ${msOf('r.minute', 'minute_ms')}, r.points::text AS points, r.value_sum, r.value_min, r.value_max, r.last_value
       FROM metric_rollups_1m r JOIN metric_series s ON s.series_key = r.series_key
       WHERE s.service = $1 AND r.minute >= ${tsParam(2)} AND r.minute < ${tsParam(3)} ${q.name ? 'AND s.name = $4' : ''}
       ORDER BY r.series_key, r.minute`,
      q.name ? [q.service, q.fromMs, q.toMs, q.name] : [q.service, q.fromMs, q.toMs],
    );
    return this.group(rows, (r) => r.series_key, (r) => `${r.name}${r.unit ? ` (${r.unit})` : ''}`, (r) => {
      const points = Number(r.points);
      return { t: r.minute_ms, avg: points === 0 ? r.last_value : r.value_sum / points, min: r.value_min, max: r.value_max, last: r.last_value };
    }, q.maxSeries);
  }

  private group<R>(rows: R[], keyOf: (r: R) => string, labelOf: (r: R) => string, pointOf: (r: R) => SeriesPoint, maxSeries: number): ChartSeries[] {
    const series = new Map<string, ChartSeries>();
    for (const r of rows) {
      const key = keyOf(r);
      let s = series.get(key);
      if (!s) series.set(key, (s = { key, label: labelOf(r), points: [] }));
      s.points.push(pointOf(r));
    }
    // The busiest first: what a chart shows when there are too many.
    return [...series.values()].sort((a, b) => b.points.length - a.points.length || (a.key < b.key ? -1 : 1)).slice(0, maxSeries);
  }
}
