import type { Queryable } from './database';
import { stripNul, toJsonb } from './json-safe';

/** One change made through the API: who, what, to which thing, and its state before and after. */
export interface AuditEntry {
  actor: string;
  actorRole: string | null;
  action: string;
  targetType: string;
  targetId: string;
  /** The target before the change; null when it was created. */
  before: unknown;
  /** The target after the change; null when it was deleted. */
  after: unknown;
}

export type StoredAuditEntry = AuditEntry & { id: string; at: string };

export interface AuditLogQuery {
  /** From a previous page's nextCursor. */
  cursor?: string;
  limit: number;
  targetType?: string;
  targetId?: string;
  actor?: string;
}

export interface AuditLogPage {
  items: StoredAuditEntry[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** Cursors are opaque to clients (base64url of the last id), so paging can change without breaking them. */
export function encodeAuditCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

/** The id a cursor stands for, or null when the cursor was not made by encodeAuditCursor. */
export function decodeAuditCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(cursor)) return null;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  return /^[1-9]\d{0,18}$/.test(id) && encodeAuditCursor(id) === cursor ? id : null;
}

interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  actor_role: string | null;
  action: string;
  target_type: string;
  target_id: string;
  before: string | null;
  after: string | null;
}

/** before/after are selected as text, so both drivers hand back the same thing (a JSON string value stays a string). */
const jsonOf = (text: string | null): unknown => (text === null ? null : JSON.parse(text));
/** SQL NULL for "no state", so before/after read back as null rather than JSON null. */
const jsonbParam = (value: unknown): string | null => (value === null || value === undefined ? null : toJsonb(value));

/**
 * The append-only audit trail. Take a transaction's Queryable so the entry commits or rolls
 * back with the change it describes.
 */
export class AuditLogRepository {
  constructor(private readonly db: Queryable) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_log (actor, actor_role, action, target_type, target_id, before, after)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)`,
      [stripNul(entry.actor), entry.actorRole, entry.action, entry.targetType, stripNul(entry.targetId), jsonbParam(entry.before), jsonbParam(entry.after)],
    );
  }

  /** Newest first. An unreadable cursor is an error, not the first page. */
  async list(query: AuditLogQuery): Promise<AuditLogPage> {
    const params: unknown[] = [];
    const where: string[] = [];
    const filter = (column: string, value: string | undefined): void => {
      if (value === undefined) return;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    };
    if (query.cursor !== undefined) {
      const beforeId = decodeAuditCursor(query.cursor);
      if (beforeId === null) throw new RangeError(`invalid audit cursor: ${query.cursor}`);
      params.push(beforeId);
      where.push(`id < $${params.length}::bigint`);
    }
    filter('target_type', query.targetType);
    filter('target_id', query.targetId);
    filter('actor', query.actor);
    const limit = Math.min(Math.max(Math.trunc(query.limit), 1), 1000);
    // One row more than asked tells whether there is a next page.
    params.push(limit + 1);
    const { rows } = await this.db.query<AuditRow>(
      `SELECT id::text AS id, at, actor, actor_role, action, target_type, target_id, before::text AS before, after::text AS after FROM audit_log
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY audit_log.id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => ({
        id: r.id,
        at: new Date(r.at).toISOString(),
        actor: r.actor,
        actorRole: r.actor_role,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        before: jsonOf(r.before),
        after: jsonOf(r.after),
      })),
      nextCursor: rows.length > limit && last ? encodeAuditCursor(last.id) : null,
    };
  }
}
