import { valueChunks } from './bulk-values';
import type { Queryable } from './database';
import { stripNul } from './json-safe';

/** Calls from one service to another in one minute (start of the minute, epoch ms). */
export interface ServiceCallRow {
  caller: string;
  callee: string;
  minuteMs: number;
  calls: number;
}

/** One edge of the service dependency graph, summed over a time range. */
export interface ServiceCallEdge {
  caller: string;
  callee: string;
  calls: number;
  /** Start of the first and of the last minute with a call, epoch ms. */
  firstSeenMs: number;
  lastSeenMs: number;
}

const MINUTE_MS = 60_000;

/** Caller → callee call counts learnt from traces; `add` inside the transaction that advances the offsets. */
export class ServiceCallRepository {
  constructor(private readonly db: Queryable) {}

  /** Adds the counts to what is stored (one row per caller, callee and minute in `rows`); returns rows written. */
  async add(rows: readonly ServiceCallRow[]): Promise<number> {
    const key = (r: ServiceCallRow) => `${r.caller}\u0000${r.callee}\u0000${r.minuteMs}`;
    // A fixed order of row locks across workers keeps concurrent upserts from deadlocking.
    const sorted = [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    const toParams = (r: ServiceCallRow) => [stripNul(r.caller), stripNul(r.callee), r.minuteMs / 1000, r.calls];
    for (const { values, params } of valueChunks(sorted, 4, toParams, ['', '', '::double precision', '::bigint'])) {
      await this.db.query(
        `INSERT INTO service_calls_1m AS t (caller, callee, minute, calls)
         SELECT c, e, to_timestamp(m), n FROM (VALUES ${values}) AS v(c, e, m, n)
         ON CONFLICT (caller, callee, minute) DO UPDATE SET calls = t.calls + EXCLUDED.calls`,
        params,
      );
    }
    return sorted.length;
  }

  /** Every edge with a call in the minute of `sinceMs` or later, with its total calls: the graph to correlate with. */
  async graph(sinceMs: number): Promise<ServiceCallEdge[]> {
    const since = new Date(Math.floor(sinceMs / MINUTE_MS) * MINUTE_MS);
    const { rows } = await this.db.query<{ caller: string; callee: string; calls: string; first_seen: Date | string; last_seen: Date | string }>(
      `SELECT caller, callee, sum(calls)::text AS calls, min(minute) AS first_seen, max(minute) AS last_seen
       FROM service_calls_1m WHERE minute >= $1 GROUP BY caller, callee ORDER BY caller, callee`,
      [since],
    );
    return rows.map((r) => ({
      caller: r.caller,
      callee: r.callee,
      calls: Number(r.calls),
      firstSeenMs: new Date(r.first_seen).getTime(),
      lastSeenMs: new Date(r.last_seen).getTime(),
    }));
  }
}
