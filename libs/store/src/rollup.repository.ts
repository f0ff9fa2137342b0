import type { LogCountRow, MetricRollupRow, MetricSeriesRow, SpanRedRow } from '@vigil/rollup';
import { valueChunks } from './bulk-values';
import type { Queryable } from './database';
import { stripNul, toJsonb } from './json-safe';

const byKey = <T>(rows: readonly T[], key: (row: T) => string): T[] =>
  // A fixed order of row locks across workers keeps concurrent upserts from deadlocking.
  [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

const LATER = 'EXCLUDED.last_time_unix_nano > t.last_time_unix_nano';

/** Additive upserts of the per-minute rollups; call inside the transaction that advances offsets. */
export class RollupRepository {
  constructor(private readonly db: Queryable) {}

  async addLogCounts(rows: readonly LogCountRow[]): Promise<void> {
    const sorted = byKey(rows, (r) => `${r.service}\u0000${r.minute}\u0000${r.severity}`);
    for (const { values, params } of valueChunks(sorted, 4, (r) => [stripNul(r.service), r.minute, r.severity, r.count], ['', '::double precision', '', '::bigint'])) {
      await this.db.query(
        `INSERT INTO log_counts_1m AS t (service, minute, severity, count)
         SELECT service, to_timestamp(m), severity, count FROM (VALUES ${values}) AS v(service, m, severity, count)
         ON CONFLICT (service, minute, severity) DO UPDATE SET count = t.count + EXCLUDED.count`,
        params,
      );
    }
  }

  async addSpanRed(rows: readonly SpanRedRow[]): Promise<void> {
    const sorted = byKey(rows, (r) => `${r.service}\u0000${r.operation}\u0000${r.kind}\u0000${r.minute}`);
    const toParams = (r: SpanRedRow) => [
      stripNul(r.service), stripNul(r.operation), r.kind, r.minute, r.requests, r.errors, r.durationSumMs, r.durationMaxMs, r.buckets,
    ];
    for (const { values, params } of valueChunks(sorted, 9, toParams, ['', '', '', '::double precision', '::bigint', '::bigint', '::double precision', '::double precision', '::double precision[]'])) {
      await this.db.query(
        `INSERT INTO span_red_1m AS t (service, operation, kind, minute, requests, errors, duration_sum_ms, duration_max_ms, duration_buckets)
         SELECT s, o, k, to_timestamp(m), r, e, ds, dm, b FROM (VALUES ${values}) AS v(s, o, k, m, r, e, ds, dm, b)
         ON CONFLICT (service, operation, kind, minute) DO UPDATE SET
           requests = t.requests + EXCLUDED.requests,
           errors = t.errors + EXCLUDED.errors,
           duration_sum_ms = t.duration_sum_ms + EXCLUDED.duration_sum_ms,
           duration_max_ms = GREATEST(t.duration_max_ms, EXCLUDED.duration_max_ms),
           duration_buckets = vigil_array_add(t.duration_buckets, EXCLUDED.duration_buckets)`,
        params,
      );
    }
  }

  async upsertMetricSeries(rows: readonly MetricSeriesRow[]): Promise<void> {
    const sorted = byKey(rows, (r) => r.seriesKey);
    const toParams = (r: MetricSeriesRow) => [
      r.seriesKey, stripNul(r.service), stripNul(r.name), r.type, stripNul(r.unit), r.temporality, toJsonb(r.attributes), toJsonb(r.resource),
    ];
    for (const { values, params } of valueChunks(sorted, 8, toParams, ['', '', '', '', '', '', '::jsonb', '::jsonb'])) {
      await this.db.query(
        `INSERT INTO metric_series AS t (series_key, service, name, type, unit, temporality, attributes, resource)
         VALUES ${values}
         ON CONFLICT (series_key) DO UPDATE SET last_seen = now()`,
        params,
      );
    }
  }

  async addMetricRollups(rows: readonly MetricRollupRow[]): Promise<void> {
    const sorted = byKey(rows, (r) => `${r.seriesKey}\u0000${r.minute}`);
    const toParams = (r: MetricRollupRow) => [
      r.seriesKey, r.minute, r.cumulative, r.points, r.valueSum, r.valueMin, r.valueMax, r.lastValue, r.lastTimeUnixNano,
      r.startTimeUnixNano, r.count, r.sum, r.bounds, r.buckets, r.detail === null ? null : toJsonb(r.detail),
    ];
    const casts = ['', '::double precision', '::boolean', '::bigint', '::double precision', '::double precision', '::double precision',
      '::double precision', '::numeric', '::numeric', '::double precision', '::double precision', '::double precision[]', '::double precision[]', '::jsonb'];
    for (const { values, params } of valueChunks(sorted, 15, toParams, casts)) {
      await this.db.query(
        `INSERT INTO metric_rollups_1m AS t (series_key, minute, cumulative, points, value_sum, value_min, value_max, last_value,
           last_time_unix_nano, start_time_unix_nano, count, sum, bounds, buckets, detail)
         SELECT k, to_timestamp(m), c, p, vs, vmin, vmax, lv, lt, st, cnt, sm, bo, bu, d
         FROM (VALUES ${values}) AS v(k, m, c, p, vs, vmin, vmax, lv, lt, st, cnt, sm, bo, bu, d)
         ON CONFLICT (series_key, minute) DO UPDATE SET
           points = t.points + EXCLUDED.points,
           value_sum = t.value_sum + EXCLUDED.value_sum,
           value_min = LEAST(t.value_min, EXCLUDED.value_min),
           value_max = GREATEST(t.value_max, EXCLUDED.value_max),
           last_value = CASE WHEN ${LATER} THEN EXCLUDED.last_value ELSE t.last_value END,
           last_time_unix_nano = GREATEST(t.last_time_unix_nano, EXCLUDED.last_time_unix_nano),
           start_time_unix_nano = CASE WHEN t.cumulative AND ${LATER} THEN EXCLUDED.start_time_unix_nano ELSE t.start_time_unix_nano END,
           count = CASE WHEN t.cumulative THEN (CASE WHEN ${LATER} THEN EXCLUDED.count ELSE t.count END)
                        WHEN t.count IS NULL AND EXCLUDED.count IS NULL THEN NULL
                        ELSE coalesce(t.count, 0) + coalesce(EXCLUDED.count, 0) END,
           sum = CASE WHEN t.cumulative THEN (CASE WHEN ${LATER} THEN EXCLUDED.sum ELSE t.sum END)
                      WHEN t.sum IS NULL AND EXCLUDED.sum IS NULL THEN NULL
                      ELSE coalesce(t.sum, 0) + coalesce(EXCLUDED.sum, 0) END,
           bounds = CASE WHEN t.cumulative OR cardinality(t.buckets) IS DISTINCT FROM cardinality(EXCLUDED.buckets)
                         THEN (CASE WHEN ${LATER} THEN EXCLUDED.bounds ELSE t.bounds END)
                         ELSE coalesce(t.bounds, EXCLUDED.bounds) END,
           buckets = CASE WHEN t.cumulative THEN (CASE WHEN ${LATER} THEN EXCLUDED.buckets ELSE t.buckets END)
                          ELSE vigil_array_add(t.buckets, EXCLUDED.buckets) END,
           detail = CASE WHEN ${LATER} THEN coalesce(EXCLUDED.detail, t.detail) ELSE t.detail END`,
        params,
      );
    }
  }
}
