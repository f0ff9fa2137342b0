import { createHash } from 'node:crypto';
import type { Queryable } from './database';
import type { StoredIncident } from './incident.repository';
import { stripNul, toJsonb } from './json-safe';

/**
 * Every event type a webhook subscription may ask for. Subscriptions name exact types, a
 * namespace (`incident.*`, `run.*`) or `*`. Incident events come from the responder (opened,
 * updated, resolved, merged, reopened) and from people through the API (declared, acknowledged,
 * mitigated, resolved, reopened, severity_changed, note_added, updated); run events from the
 * runbook engine.
 */
export const WEBHOOK_EVENT_TYPES = [
  'incident.opened',
  'incident.declared',
  'incident.updated',
  'incident.acknowledged',
  'incident.mitigated',
  'incident.resolved',
  'incident.reopened',
  'incident.merged',
  'incident.severity_changed',
  'incident.note_added',
  'run.started',
  'run.blocked',
  'run.approval_requested',
  'run.step',
  'run.finished',
  'run.escalated',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** One thing that happened, to be announced to every active subscription that asked for its type. */
export interface WebhookEvent {
  type: string;
  /** Stable id of this occurrence: enqueueing it again (a retried transaction, a replay) adds nothing. */
  id: string;
  occurredAtMs: number;
  data: unknown;
}

/** The body every receiver gets, as Standard Webhooks recommends. */
export interface WebhookPayload {
  type: string;
  /** ISO 8601: when the event occurred. */
  timestamp: string;
  data: unknown;
}

/** Does a subscription's list of patterns (exact, `ns.*`, `*`) take this event type? */
export function matchesEventType(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

/** A pattern that can match at least one known event type (a typo would match nothing, forever). */
export function isKnownEventPattern(pattern: string): boolean {
  return WEBHOOK_EVENT_TYPES.some((type) => matchesEventType([pattern], type));
}

/**
 * The delivery id, which is also the `webhook-id` header: derived from (subscription, event), so
 * it is the same on every attempt and the same if the event is enqueued twice.
 */
export function webhookDeliveryId(subscriptionId: string, eventId: string): string {
  return `msg_${createHash('sha256').update(`${subscriptionId}\u0000${eventId}`).digest('base64url').slice(0, 27)}`;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * An incident as the API shows it (GET /api/incidents/:id without its signals) — the API's
 * `incidentView` is this function, and webhook payloads from the responder use it too (apps may
 * not import each other, so the one projection lives here).
 */
export function incidentEventData(i: StoredIncident) {
  return {
    id: i.id,
    number: i.number,
    title: i.title,
    status: i.status,
    severity: i.severity,
    severitySource: i.severitySource,
    severityReason: i.severityReason,
    customerFacing: i.customerFacing,
    services: i.services,
    declared: i.declared,
    commander: i.commander,
    startedAt: new Date(i.startedAtMs).toISOString(),
    openedAt: new Date(i.openedAtMs).toISOString(),
    detectedAt: new Date(i.detectedAtMs).toISOString(),
    acknowledgedAt: iso(i.acknowledgedAtMs),
    mitigatedAt: iso(i.mitigatedAtMs),
    resolvedAt: iso(i.resolvedAtMs),
    resolution: i.resolution,
    mergedInto: i.mergedInto,
    suppressed: i.suppressedBy ? { reason: 'inhibited' as const, by: i.suppressedBy } : null,
    rootCauseHints: i.rootCauseHints.map((h) => ({ service: h.service, signal: h.signal, score: h.score, evidence: h.evidence })),
  };
}

/**
 * The transactional outbox of outbound webhooks. `enqueue` writes one pending delivery per
 * matching active subscription through the caller's Queryable — pass the transaction that makes
 * the change, so the change and its notification commit together, or neither does. The
 * dispatcher (apps/responder) sends them later. Idempotent on (subscription, event id).
 */
export class WebhookOutbox {
  /** Returns how many deliveries were added. */
  async enqueue(tx: Queryable, events: readonly WebhookEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const { rows: subscriptions } = await tx.query<{ id: string; event_types: string[] }>('SELECT id, event_types FROM webhook_subscriptions WHERE disabled_at IS NULL');
    if (subscriptions.length === 0) return 0;
    const ids: string[] = [];
    const subscriptionIds: string[] = [];
    const types: string[] = [];
    const eventIds: string[] = [];
    const payloads: string[] = [];
    for (const event of events) {
      const targets = subscriptions.filter((s) => matchesEventType(s.event_types, event.type));
      if (targets.length === 0) continue;
      const payload: WebhookPayload = { type: event.type, timestamp: new Date(event.occurredAtMs).toISOString(), data: event.data };
      const json = toJsonb(payload);
      for (const s of targets) {
        ids.push(webhookDeliveryId(s.id, event.id));
        subscriptionIds.push(s.id);
        types.push(event.type);
        eventIds.push(stripNul(event.id));
        payloads.push(json);
      }
    }
    if (ids.length === 0) return 0;
    const { rowCount } = await tx.query(
      `INSERT INTO webhook_deliveries (id, subscription_id, event_type, event_id, payload)
       SELECT id, subscription_id, event_type, event_id, payload::jsonb
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t (id, subscription_id, event_type, event_id, payload)
       ON CONFLICT DO NOTHING`,
      [ids, subscriptionIds, types, eventIds, payloads],
    );
    return rowCount;
  }
}

/** The one outbox; it holds no state, so every caller may share it. */
export const webhookOutbox = new WebhookOutbox();
