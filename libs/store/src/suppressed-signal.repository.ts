import type { Queryable } from './database';
import { decodeCursor, encodeCursor, msOf, tsParam } from './incident-rows';
import { stripNul, toJsonb } from './json-safe';

export interface SuppressedSignal {
  eventKey: string;
  atMs: number;
  service: string;
  kind: string;
  signal: string;
  fingerprint: string;
  status: string;
  reason: 'silence' | 'maintenance';
  suppressedBy: string;
  event: unknown;
}

/** Signals a silence or maintenance window kept out of incidents: kept, and listed on request. */
export class SuppressedSignalRepository {
  constructor(private readonly db: Queryable) {}

  async add(rows: readonly SuppressedSignal[]): Promise<void> {
    for (const s of rows) {
      await this.db.query(
        `INSERT INTO suppressed_signals (event_key, at, service, kind, signal, fingerprint, status, reason, suppressed_by, event)
         VALUES ($1, ${tsParam(2)}, $3, $4, $5, $6, $7, $8, $9, $10::jsonb) ON CONFLICT DO NOTHING`,
        [s.eventKey, s.atMs, stripNul(s.service), s.kind, stripNul(s.signal), stripNul(s.fingerprint), s.status, s.reason, s.suppressedBy, toJsonb(s.event)],
      );
    }
  }

  async list(query: { service?: string; suppressedBy?: string; cursor?: string; limit: number }): Promise<{ items: SuppressedSignal[]; nextCursor: string | null }> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (query.service) {
      params.push(query.service);
      where.push(`service = $${params.length}`);
    }
    if (query.suppressedBy) {
      params.push(query.suppressedBy);
      where.push(`suppressed_by = $${params.length}`);
    }
    const after = decodeCursor(query.cursor, 2);
    if (after) {
      params.push(after[0], after[1]);
      where.push(`(at, event_key) < (${tsParam(params.length - 1)}, $${params.length})`);
    }
    params.push(query.limit + 1);
    const { rows } = await this.db.query<{ event_key: string; at_ms: number; service: string; kind: string; signal: string; fingerprint: string; status: string; reason: 'silence' | 'maintenance'; suppressed_by: string; event: unknown }>(
      `SELECT event_key, ${msOf('at')}, service, kind, signal, fingerprint, status, reason, suppressed_by, event FROM suppressed_signals
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, event_key DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, query.limit).map((r) => ({
      eventKey: r.event_key,
      atMs: r.at_ms,
      service: r.service,
      kind: r.kind,
      signal: r.signal,
      fingerprint: r.fingerprint,
      status: r.status,
      reason: r.reason,
      suppressedBy: r.suppressed_by,
      event: typeof r.event === 'string' ? JSON.parse(r.event) : r.event,
    }));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor([last.atMs, last.eventKey]) : null };
  }
}
