import { randomUUID } from 'node:crypto';
import { newWebhookSecret } from '@vigil/webhooks';
import type { Queryable } from './database';
import { stripNul } from './json-safe';

/** What may be shown about a subscription: never its secret. */
export interface WebhookSubscription {
  id: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  createdBy: string;
  createdAt: string;
  disabledAt: string | null;
}

export interface CreatedWebhookSubscription extends WebhookSubscription {
  /** whsec_…: the signing secret, returned at creation only. */
  secret: string;
}

interface SubscriptionRow {
  id: string;
  url: string;
  event_types: string[];
  description: string | null;
  created_by: string;
  created_at: Date;
  disabled_at: Date | null;
}

const COLUMNS = 'id, url, event_types, description, created_by, created_at, disabled_at';
const iso = (value: Date | null): string | null => (value === null ? null : new Date(value).toISOString());

function fromRow(r: SubscriptionRow): WebhookSubscription {
  return {
    id: r.id,
    url: r.url,
    eventTypes: r.event_types,
    description: r.description,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at).toISOString(),
    disabledAt: iso(r.disabled_at),
  };
}

/** Outbound webhook subscriptions. Disabling keeps the row (the delivery log points at it). */
export class WebhookSubscriptionRepository {
  constructor(private readonly db: Queryable) {}

  async create(input: { url: string; eventTypes: readonly string[]; description?: string | null; createdBy: string }): Promise<CreatedWebhookSubscription> {
    const secret = newWebhookSecret();
    const { rows } = await this.db.query<SubscriptionRow>(
      `INSERT INTO webhook_subscriptions (id, url, secret, event_types, description, created_by) VALUES ($1, $2, $3, $4::text[], $5, $6) RETURNING ${COLUMNS}`,
      [randomUUID(), input.url, secret, [...new Set(input.eventTypes)], input.description == null ? null : stripNul(input.description), stripNul(input.createdBy)],
    );
    return { ...fromRow(rows[0] as SubscriptionRow), secret };
  }

  /** Newest first, disabled ones too. */
  async list(): Promise<WebhookSubscription[]> {
    const { rows } = await this.db.query<SubscriptionRow>(`SELECT ${COLUMNS} FROM webhook_subscriptions ORDER BY created_at DESC, id DESC`);
    return rows.map(fromRow);
  }

  async get(id: string): Promise<WebhookSubscription | null> {
    const { rows } = await this.db.query<SubscriptionRow>(`SELECT ${COLUMNS} FROM webhook_subscriptions WHERE id = $1`, [id]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  /**
   * Stops a subscription: no new deliveries are enqueued for it, and the ones still pending become
   * dead ("subscription disabled"). Returns the subscription after, or null when it was already disabled.
   */
  async disable(id: string): Promise<WebhookSubscription | null> {
    const { rows } = await this.db.query<SubscriptionRow>(
      `UPDATE webhook_subscriptions SET disabled_at = now() WHERE id = $1 AND disabled_at IS NULL RETURNING ${COLUMNS}`,
      [id],
    );
    if (!rows[0]) return null;
    await this.db.query(
      `UPDATE webhook_deliveries SET status = 'dead', last_error = 'subscription disabled' WHERE subscription_id = $1 AND status = 'pending'`,
      [id],
    );
    return fromRow(rows[0]);
  }
}
