import type { Queryable } from './database';
import { msOf } from './incident-rows';
import type { StoredTimelineEntry } from './incident-timeline.repository';

export interface SlackSyncState {
  /** Every timeline entry up to this id is handled (in Slack, or not meant for it). */
  lastTimelineId: string;
  leaseOwner: string | null;
  leaseUntilMs: number | null;
  lastError: string | null;
  lastErrorAtMs: number | null;
  lastSuccessAtMs: number | null;
  /** Timeline entries after the cursor: not handled yet. */
  behind: number;
}

interface StateRow {
  last_timeline_id: string;
  lease_owner: string | null;
  lease_until_ms: number | null;
  last_error: string | null;
  last_error_at_ms: number | null;
  last_success_at_ms: number | null;
  behind: string;
}

const num = (v: number | null): number | null => (v === null ? null : Number(v));

/**
 * The Slack sync's cursor over incident_timeline, and the lease that lets one process at a time
 * advance it (any number may try: the others wait for the lease to lapse).
 */
export class SlackSyncStateRepository {
  constructor(private readonly db: Queryable) {}

  /** Takes (or renews) the lease; the cursor when this owner holds it now, else null. */
  async acquire(owner: string, leaseMs: number): Promise<string | null> {
    const { rows } = await this.db.query<{ last_timeline_id: string }>(
      `UPDATE slack_sync_state SET lease_owner = $1, lease_until = now() + $2::float8 * interval '1 millisecond', updated_at = now()
       WHERE id = 1 AND (lease_owner IS NULL OR lease_owner = $1 OR lease_until IS NULL OR lease_until < now())
       RETURNING last_timeline_id::text AS last_timeline_id`,
      [owner, leaseMs],
    );
    return rows[0]?.last_timeline_id ?? null;
  }

  /** Gives the lease up (only if this owner still holds it). */
  async release(owner: string): Promise<void> {
    await this.db.query('UPDATE slack_sync_state SET lease_owner = NULL, lease_until = NULL, updated_at = now() WHERE id = 1 AND lease_owner = $1', [owner]);
  }

  /**
   * Moves the cursor to `timelineId` and renews the lease, only while this owner holds it. False:
   * the lease was lost (another process took over), stop.
   */
  async advance(owner: string, timelineId: string, leaseMs: number): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE slack_sync_state SET last_timeline_id = GREATEST(last_timeline_id, $2::bigint), last_success_at = now(),
         lease_until = now() + $3::float8 * interval '1 millisecond', updated_at = now()
       WHERE id = 1 AND lease_owner = $1`,
      [owner, timelineId, leaseMs],
    );
    return rowCount > 0;
  }

  async recordError(message: string): Promise<void> {
    await this.db.query('UPDATE slack_sync_state SET last_error = $1, last_error_at = now(), updated_at = now() WHERE id = 1', [message.slice(0, 2000)]);
  }

  /** Timeline entries after the cursor, in id order. */
  async entriesAfter(timelineId: string, limit: number): Promise<StoredTimelineEntry[]> {
    const { rows } = await this.db.query<{ id: string; incident_id: string; at_ms: number; actor: string; type: string; text: string; data: unknown }>(
      // Ordered by the bigint column, not the text alias ("10" < "7").
      `SELECT t.id::text AS id, t.incident_id, ${msOf('t.at', 'at_ms')}, t.actor, t.type, t.text, t.data FROM incident_timeline t WHERE t.id > $1::bigint ORDER BY t.id LIMIT $2`,
      [timelineId, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      incidentId: r.incident_id,
      atMs: Number(r.at_ms),
      actor: r.actor,
      type: r.type,
      text: r.text,
      data: (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as Record<string, unknown>,
    }));
  }

  async state(): Promise<SlackSyncState> {
    const { rows } = await this.db.query<StateRow>(
      `SELECT last_timeline_id::text AS last_timeline_id, lease_owner, ${msOf('lease_until')}, last_error, ${msOf('last_error_at')}, ${msOf('last_success_at')},
         (SELECT count(*) FROM incident_timeline t WHERE t.id > s.last_timeline_id)::text AS behind
       FROM slack_sync_state s WHERE id = 1`,
    );
    const r = rows[0];
    if (!r) throw new Error('slack_sync_state row is missing; run the migrations');
    return {
      lastTimelineId: r.last_timeline_id,
      leaseOwner: r.lease_owner,
      leaseUntilMs: num(r.lease_until_ms),
      lastError: r.last_error,
      lastErrorAtMs: num(r.last_error_at_ms),
      lastSuccessAtMs: num(r.last_success_at_ms),
      behind: Number(r.behind),
    };
  }
}
