import type { AnomalyEvent } from '@vigil/contracts';
import { valueChunks } from './bulk-values';
import type { Queryable } from './database';
import { decodeCursor, encodeCursor, tsParam } from './incident-rows';
import { stripNul, toJsonb } from './json-safe';
import { millisOf } from '@vigil/rollup';

export interface StoredAnomaly {
  id: string;
  service: string;
  kind: string;
  fingerprint: string;
  /** open (still firing) or recovered. */
  status: 'open' | 'recovered';
  score: number;
  summary: string;
  openedAt: string;
  updatedAt: string;
  event: AnomalyEvent;
}


/**
 * Each anomaly's latest state, applied from its events in order. Ids are deterministic, so a
 * replayed event rewrites the same row instead of adding one.
 */
export class AnomalyRepository {
  constructor(private readonly db: Queryable) {}

  async apply(events: readonly AnomalyEvent[]): Promise<void> {
    // Per id: its latest event wins, but it opened when its first event in the batch happened
    // (an open and its updates often arrive together); a row already stored keeps its opened_at.
    // What a recovered anomaly shows is its last finding before the recovery, not the recovery.
    const latest = new Map<string, { event: AnomalyEvent; shown: AnomalyEvent; openedAt: number }>();
    for (const event of events) {
      const seen = latest.get(event.id);
      const shown = event.status === 'recover' && seen ? seen.shown : event;
      latest.set(event.id, { event, shown, openedAt: seen ? seen.openedAt : millisOf(event.timeUnixNano) });
    }
    const rows = [...latest.values()].sort((a, b) => (a.event.id < b.event.id ? -1 : 1));
    const toParams = ({ event: e, shown, openedAt }: { event: AnomalyEvent; shown: AnomalyEvent; openedAt: number }) => [
      e.id, stripNul(e.service), e.kind, stripNul(e.fingerprint), e.status === 'recover' ? 'recovered' : 'open', shown.score, stripNul(shown.summary), openedAt / 1000, millisOf(e.timeUnixNano) / 1000, toJsonb(shown),
    ];
    for (const { values, params } of valueChunks(rows, 10, toParams, ['', '', '', '', '', '::double precision', '', '::double precision', '::double precision', '::jsonb'])) {
      await this.db.query(
        `INSERT INTO anomalies AS t (id, service, kind, fingerprint, status, score, summary, opened_at, updated_at, event)
         SELECT id, s, k, f, st, sc, su, to_timestamp(op), to_timestamp(at), ev FROM (VALUES ${values}) AS v(id, s, k, f, st, sc, su, op, at, ev)
         ON CONFLICT (id) DO UPDATE SET
           status = EXCLUDED.status,
           score = CASE WHEN EXCLUDED.event->>'status' = 'recover' THEN t.score ELSE EXCLUDED.score END,
           summary = CASE WHEN EXCLUDED.event->>'status' = 'recover' THEN t.summary ELSE EXCLUDED.summary END,
           event = CASE WHEN EXCLUDED.event->>'status' = 'recover' THEN t.event ELSE EXCLUDED.event END,
           updated_at = GREATEST(t.updated_at, EXCLUDED.updated_at)`,
        params,
      );
    }
  }

  async list(query: AnomalyQuery): Promise<StoredAnomaly[]> {
    return (await this.page(query)).items;
  }

  /** Newest first, filtered, keyset-paginated on (opened_at, id). */
  async page(query: AnomalyQuery): Promise<{ items: StoredAnomaly[]; nextCursor: string | null }> {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: (n: number) => string, value: unknown): void => {
      params.push(value);
      where.push(sql(params.length));
    };
    if (query.service) add((n) => `service = $${n}`, query.service);
    if (query.status) add((n) => `status = $${n}`, query.status);
    if (query.kind) add((n) => `kind = $${n}`, query.kind);
    if (query.minScore !== undefined) add((n) => `score >= $${n}`, query.minScore);
    if (query.fromMs !== undefined) add((n) => `opened_at >= ${tsParam(n)}`, query.fromMs);
    if (query.toMs !== undefined) add((n) => `opened_at < ${tsParam(n)}`, query.toMs);
    const after = decodeCursor(query.cursor, 2);
    if (after) {
      params.push(after[0], after[1]);
      where.push(`(opened_at, id) < (${tsParam(params.length - 1)}, $${params.length})`);
    }
    params.push(query.limit + 1);
    const { rows } = await this.db.query<{
      id: string; service: string; kind: string; fingerprint: string; status: 'open' | 'recovered'; score: number; summary: string; opened_at: Date; updated_at: Date; event: unknown;
    }>(
      `SELECT id, service, kind, fingerprint, status, score, summary, opened_at, updated_at, event FROM anomalies
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY opened_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, query.limit).map((r) => ({
      id: r.id,
      service: r.service,
      kind: r.kind,
      fingerprint: r.fingerprint,
      status: r.status,
      score: r.score,
      summary: r.summary,
      openedAt: new Date(r.opened_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
      event: (typeof r.event === 'string' ? JSON.parse(r.event) : r.event) as AnomalyEvent,
    }));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor([Date.parse(last.openedAt), last.id]) : null };
  }
}

export interface AnomalyQuery {
  service?: string;
  status?: 'open' | 'recovered';
  kind?: string;
  minScore?: number;
  fromMs?: number;
  toMs?: number;
  cursor?: string;
  limit: number;
}
