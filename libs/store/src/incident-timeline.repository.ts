import type { Queryable } from './database';
import { decodeCursor, encodeCursor, msOf, tsParam } from './incident-rows';
import { stripNul, toJsonb } from './json-safe';

export interface TimelineEntry {
  incidentId: string;
  atMs: number;
  /** Who: a person (token name, Slack user), or `vigil` for the responder itself. */
  actor: string;
  /** What kind of change: opened, signal_joined, acknowledged, severity_changed, note, … */
  type: string;
  text: string;
  data?: Record<string, unknown>;
}

export interface StoredTimelineEntry extends TimelineEntry {
  id: string;
  data: Record<string, unknown>;
}

/** Every change to an incident, in order, with actor and time. Append-only. */
export class IncidentTimelineRepository {
  constructor(private readonly db: Queryable) {}

  async add(entries: readonly TimelineEntry[]): Promise<void> {
    for (const e of entries) {
      await this.db.query(`INSERT INTO incident_timeline (incident_id, at, actor, type, text, data) VALUES ($1, ${tsParam(2)}, $3, $4, $5, $6::jsonb)`, [
        e.incidentId, e.atMs, stripNul(e.actor), e.type, stripNul(e.text), toJsonb(e.data ?? {}),
      ]);
    }
  }

  /** Oldest first, keyset-paginated. */
  async list(incidentId: string, query: { cursor?: string; limit: number; type?: string }): Promise<{ items: StoredTimelineEntry[]; nextCursor: string | null }> {
    const params: unknown[] = [incidentId];
    const where = ['incident_id = $1'];
    if (query.type) {
      params.push(query.type);
      where.push(`type = $${params.length}`);
    }
    const after = decodeCursor(query.cursor, 2);
    if (after) {
      params.push(after[0], after[1]);
      where.push(`(at, id) > (${tsParam(params.length - 1)}, $${params.length}::bigint)`);
    }
    params.push(query.limit + 1);
    const { rows } = await this.db.query<{ id: string; incident_id: string; at_ms: number; actor: string; type: string; text: string; data: unknown }>(
      `SELECT id::text AS id, incident_id, ${msOf('at')}, actor, type, text, data FROM incident_timeline WHERE ${where.join(' AND ')} ORDER BY at, id LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, query.limit).map((r) => ({
      id: r.id,
      incidentId: r.incident_id,
      atMs: r.at_ms,
      actor: r.actor,
      type: r.type,
      text: r.text,
      data: (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as Record<string, unknown>,
    }));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor([last.atMs, last.id]) : null };
  }
}
