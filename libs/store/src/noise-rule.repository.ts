import type { Queryable } from './database';
import { msOf, tsParam } from './incident-rows';
import { stripNul, toJsonb } from './json-safe';

export interface StoredSilence {
  id: string;
  matchers: { label: string; op: string; value: string }[];
  startsAtMs: number;
  endsAtMs: number;
  createdBy: string;
  comment: string;
}

export interface StoredMaintenanceWindow {
  id: string;
  service: string;
  startsAtMs: number;
  endsAtMs: number;
  createdBy: string;
  reason: string;
}

/** Silences and maintenance windows: what keeps signals out of incidents for a while. */
export class NoiseRuleRepository {
  constructor(private readonly db: Queryable) {}

  async silences(query: { activeAtMs?: number } = {}): Promise<StoredSilence[]> {
    const { rows } = await this.db.query<{ id: string; matchers: unknown; starts_at_ms: number; ends_at_ms: number; created_by: string; comment: string }>(
      `SELECT id, matchers, ${msOf('starts_at')}, ${msOf('ends_at')}, created_by, comment FROM silences
       ${query.activeAtMs !== undefined ? `WHERE ends_at > ${tsParam(1)}` : ''} ORDER BY starts_at DESC, id`,
      query.activeAtMs !== undefined ? [query.activeAtMs] : [],
    );
    return rows.map((r) => ({
      id: r.id,
      matchers: (typeof r.matchers === 'string' ? JSON.parse(r.matchers) : r.matchers) as StoredSilence['matchers'],
      startsAtMs: r.starts_at_ms,
      endsAtMs: r.ends_at_ms,
      createdBy: r.created_by,
      comment: r.comment,
    }));
  }

  async getSilence(id: string): Promise<StoredSilence | null> {
    return (await this.silences()).find((s) => s.id === id) ?? null;
  }

  async addSilence(s: StoredSilence): Promise<void> {
    await this.db.query(`INSERT INTO silences (id, matchers, starts_at, ends_at, created_by, comment) VALUES ($1, $2::jsonb, ${tsParam(3)}, ${tsParam(4)}, $5, $6)`, [
      s.id, toJsonb(s.matchers), s.startsAtMs, s.endsAtMs, stripNul(s.createdBy), stripNul(s.comment),
    ]);
  }

  /** Expiring ends a silence now; it stays listed as history. */
  async expireSilence(id: string, atMs: number): Promise<boolean> {
    const { rowCount } = await this.db.query(`UPDATE silences SET ends_at = LEAST(ends_at, ${tsParam(2)}) WHERE id = $1`, [id, atMs]);
    return rowCount > 0;
  }

  async maintenanceWindows(query: { activeAtMs?: number } = {}): Promise<StoredMaintenanceWindow[]> {
    const { rows } = await this.db.query<{ id: string; service: string; starts_at_ms: number; ends_at_ms: number; created_by: string; reason: string }>(
      `SELECT id, service, ${msOf('starts_at')}, ${msOf('ends_at')}, created_by, reason FROM maintenance_windows
       ${query.activeAtMs !== undefined ? `WHERE ends_at > ${tsParam(1)}` : ''} ORDER BY starts_at DESC, id`,
      query.activeAtMs !== undefined ? [query.activeAtMs] : [],
    );
    return rows.map((r) => ({ id: r.id, service: r.service, startsAtMs: r.starts_at_ms, endsAtMs: r.ends_at_ms, createdBy: r.created_by, reason: r.reason }));
  }

  async addMaintenanceWindow(w: StoredMaintenanceWindow): Promise<void> {
    await this.db.query(`INSERT INTO maintenance_windows (id, service, starts_at, ends_at, created_by, reason) VALUES ($1, $2, ${tsParam(3)}, ${tsParam(4)}, $5, $6)`, [
      w.id, stripNul(w.service), w.startsAtMs, w.endsAtMs, stripNul(w.createdBy), stripNul(w.reason),
    ]);
  }

  async endMaintenanceWindow(id: string, atMs: number): Promise<boolean> {
    const { rowCount } = await this.db.query(`UPDATE maintenance_windows SET ends_at = LEAST(ends_at, ${tsParam(2)}) WHERE id = $1`, [id, atMs]);
    return rowCount > 0;
  }
}
