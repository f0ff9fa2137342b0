import type { Queryable } from './database';
import { decodeCursor, encodeCursor, InvalidCursorError } from './incident-rows';
import { stripNul } from './json-safe';

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'dead';
export const WEBHOOK_DELIVERY_STATUSES: readonly WebhookDeliveryStatus[] = ['pending', 'delivered', 'dead'];

/** One entry of the delivery log. */
export interface StoredWebhookDelivery {
  /** Also the webhook-id header, the same on every attempt. */
  id: string;
  subscriptionId: string;
  eventType: string;
  eventId: string;
  status: WebhookDeliveryStatus;
  /** Attempts started so far. */
  attempts: number;
  /** When the next attempt is due; null unless pending. */
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  payload: unknown;
}

/** A delivery a dispatcher has claimed: everything needed to send it. */
export interface ClaimedWebhookDelivery {
  id: string;
  subscriptionId: string;
  eventType: string;
  /** The exact body to send and sign (the stored payload as JSON text). */
  body: string;
  /** This attempt's number, 1 for the first. */
  attempt: number;
  url: string;
  secret: string;
  subscriptionDisabled: boolean;
}

export interface WebhookDeliveryQuery {
  subscriptionId?: string;
  status?: WebhookDeliveryStatus;
  cursor?: string;
  limit: number;
}

interface DeliveryRow {
  id: string;
  subscription_id: string;
  event_type: string;
  event_id: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  created_key: string;
  delivered_at: Date | null;
  payload: string;
}

// created_key: created_at to the microsecond, for the keyset cursor (a JS Date keeps only ms).
const COLUMNS = `id, subscription_id, event_type, event_id, status, attempts, next_attempt_at, last_status_code, last_error, created_at,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key, delivered_at, payload::text AS payload`;

const iso = (value: Date | null): string | null => (value === null ? null : new Date(value).toISOString());

function fromRow(r: DeliveryRow): StoredWebhookDelivery {
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    eventType: r.event_type,
    eventId: r.event_id,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.status === 'pending' ? iso(r.next_attempt_at) : null,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    createdAt: new Date(r.created_at).toISOString(),
    deliveredAt: iso(r.delivered_at),
    payload: JSON.parse(r.payload) as unknown,
  };
}

const MAX_ERROR_LENGTH = 1000;
const errorText = (error: string | null): string | null => (error === null ? null : stripNul(error.length > MAX_ERROR_LENGTH ? `${error.slice(0, MAX_ERROR_LENGTH)}…` : error));

/**
 * Webhook deliveries: claiming and recording for the dispatcher, the log and the retry for the API.
 * Rows are written by the WebhookOutbox.
 */
export class WebhookDeliveryRepository {
  constructor(private readonly db: Queryable) {}

  /**
   * Claims up to `limit` due deliveries in one statement: FOR UPDATE SKIP LOCKED lets any number of
   * dispatchers claim at once without taking the same row, and the claim counts the attempt and
   * pushes `next_attempt_at` out by `leaseMs`. If the claimer dies before recording the outcome,
   * the delivery is due again when the lease ends and is re-sent with the same id.
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedWebhookDelivery[]> {
    const { rows } = await this.db.query<{ id: string; subscription_id: string; event_type: string; body: string; attempts: number; url: string; secret: string; disabled: boolean }>(
      `WITH due AS (
         SELECT id FROM webhook_deliveries
         WHERE status = 'pending' AND next_attempt_at <= now()
         ORDER BY next_attempt_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED
       )
       UPDATE webhook_deliveries d
       SET attempts = d.attempts + 1, next_attempt_at = now() + $2::float8 * interval '1 millisecond'
       FROM due, webhook_subscriptions s
       WHERE d.id = due.id AND s.id = d.subscription_id
       RETURNING d.id, d.subscription_id, d.event_type, d.payload::text AS body, d.attempts, s.url, s.secret, s.disabled_at IS NOT NULL AS disabled`,
      [limit, leaseMs],
    );
    return rows.map((r) => ({
      id: r.id,
      subscriptionId: r.subscription_id,
      eventType: r.event_type,
      body: r.body,
      attempt: r.attempts,
      url: r.url,
      secret: r.secret,
      subscriptionDisabled: r.disabled,
    }));
  }

  /**
   * The outcome of one claimed attempt. Recorded only if the delivery is still that attempt
   * (a dispatcher whose lease ran out must not overwrite the one that took over). Returns false
   * when it was not recorded.
   */
  async record(
    id: string,
    attempt: number,
    outcome: { status: 'delivered'; statusCode: number } | { status: 'pending'; statusCode: number | null; error: string; retryInMs: number } | { status: 'dead'; statusCode: number | null; error: string },
  ): Promise<boolean> {
    const { rowCount } =
      outcome.status === 'delivered'
        ? await this.db.query(
            `UPDATE webhook_deliveries SET status = 'delivered', delivered_at = now(), last_status_code = $3, last_error = NULL
             WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
            [id, attempt, outcome.statusCode],
          )
        : await this.db.query(
            `UPDATE webhook_deliveries SET status = $3, last_status_code = $4, last_error = $5,
               next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + $6::float8 * interval '1 millisecond' ELSE next_attempt_at END
             WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
            [id, attempt, outcome.status, outcome.statusCode, errorText(outcome.error), outcome.status === 'pending' ? Math.max(0, outcome.retryInMs) : 0],
          );
    return rowCount > 0;
  }

  async get(id: string): Promise<StoredWebhookDelivery | null> {
    const { rows } = await this.db.query<DeliveryRow>(`SELECT ${COLUMNS} FROM webhook_deliveries WHERE id = $1`, [id]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  /** The delivery log, newest first. An unreadable cursor throws InvalidCursorError. */
  async list(query: WebhookDeliveryQuery): Promise<{ items: StoredWebhookDelivery[]; nextCursor: string | null }> {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (clause: (n: number) => string, value: unknown): void => {
      params.push(value);
      where.push(clause(params.length));
    };
    if (query.subscriptionId !== undefined) add((n) => `subscription_id = $${n}`, query.subscriptionId);
    if (query.status !== undefined) add((n) => `status = $${n}`, query.status);
    const cursor = decodeCursor(query.cursor, 2);
    if (cursor) {
      const [createdKey, id] = cursor;
      if (typeof createdKey !== 'string' || typeof id !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(createdKey)) throw new InvalidCursorError();
      params.push(createdKey, id);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    const limit = Math.min(Math.max(Math.trunc(query.limit), 1), 1000);
    params.push(limit + 1);
    const { rows } = await this.db.query<DeliveryRow>(
      `SELECT ${COLUMNS} FROM webhook_deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(fromRow), nextCursor: rows.length > limit && last ? encodeCursor([last.created_key, last.id]) : null };
  }

  /**
   * A dead delivery goes back to pending, due now, with its attempts counted from zero again (the
   * last status and error stay until the next attempt). Returns it after, or null when it was not dead.
   */
  async revive(id: string): Promise<StoredWebhookDelivery | null> {
    const { rows } = await this.db.query<DeliveryRow>(
      `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now() WHERE id = $1 AND status = 'dead' RETURNING ${COLUMNS}`,
      [id],
    );
    return rows[0] ? fromRow(rows[0]) : null;
  }
}
