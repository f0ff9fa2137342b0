import { valueChunks } from './bulk-values';
import type { Queryable } from './database';
import { stripNul } from './json-safe';

export interface RedactionCountRow {
  service: string;
  minuteMs: number;
  kind: string;
  count: number;
}

/** What ingestion masked, per service and kind, so the leaking service can be found and fixed. */
export class RedactionRepository {
  constructor(private readonly db: Queryable) {}

  async add(rows: readonly RedactionCountRow[]): Promise<void> {
    const sorted = [...rows].sort((a, b) => (`${a.service}\u0000${a.minuteMs}\u0000${a.kind}` < `${b.service}\u0000${b.minuteMs}\u0000${b.kind}` ? -1 : 1));
    for (const { values, params } of valueChunks(sorted, 4, (r) => [stripNul(r.service), r.minuteMs / 1000, r.kind, r.count], ['', '::double precision', '', '::bigint'])) {
      await this.db.query(
        `INSERT INTO redaction_counts_1m AS t (service, minute, kind, count)
         SELECT s, to_timestamp(m), k, n FROM (VALUES ${values}) AS v(s, m, k, n)
         ON CONFLICT (service, minute, kind) DO UPDATE SET count = t.count + EXCLUDED.count`,
        params,
      );
    }
  }

  /** Totals per service and kind since `since`, largest first. */
  async totals(since: Date): Promise<{ service: string; kind: string; count: number; lastSeen: string }[]> {
    const { rows } = await this.db.query<{ service: string; kind: string; count: string; last_seen: Date }>(
      `SELECT service, kind, sum(count)::text AS count, max(minute) AS last_seen FROM redaction_counts_1m
       WHERE minute >= $1 GROUP BY service, kind ORDER BY sum(count) DESC, service, kind`,
      [since],
    );
    return rows.map((r) => ({ service: r.service, kind: r.kind, count: Number(r.count), lastSeen: new Date(r.last_seen).toISOString() }));
  }
}
