import { isKnownEventPattern, WEBHOOK_DELIVERY_STATUSES, WEBHOOK_EVENT_TYPES, type WebhookDeliveryStatus } from '@vigil/store';
import { z } from 'zod';

const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'expected an http:// or https:// URL')
  .describe('Where deliveries are POSTed (http or https).');

const eventPattern = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine(isKnownEventPattern, `expected an event type (${WEBHOOK_EVENT_TYPES.join(', ')}), a namespace (incident.*, run.*) or *`);

export const createSubscriptionSchema = z
  .object({
    url: httpUrl,
    eventTypes: z.array(eventPattern).min(1).max(50).describe('Exact event types, namespaces such as incident.* or run.*, or * for every event.'),
    description: z.string().trim().max(500).optional().describe('What receives these, for whoever reads the list.'),
  })
  .strict();
export type CreateSubscription = z.output<typeof createSubscriptionSchema>;

export const subscriptionIdSchema = z.object({ id: z.uuid().describe('The subscription id from the list') });

export const subscriptionViewSchema = z.object({
  id: z.string(),
  url: z.string(),
  eventTypes: z.array(z.string()),
  description: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  disabledAt: z.iso.datetime().nullable().describe('Set once deleted: nothing more is sent to it.'),
});

export const createdSubscriptionSchema = subscriptionViewSchema.extend({
  secret: z.string().describe('whsec_…: verify the webhook-signature header with it. Shown this once.'),
});

export const deliveryListQuerySchema = z
  .object({
    subscriptionId: z.uuid().optional(),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES as [WebhookDeliveryStatus, ...WebhookDeliveryStatus[]]).optional(),
    cursor: z.string().max(512).optional().describe("The previous page's nextCursor."),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type DeliveryListQuery = z.output<typeof deliveryListQuerySchema>;

export const deliveryIdSchema = z.object({ id: z.string().regex(/^msg_[A-Za-z0-9_-]{1,64}$/, 'expected a delivery id (msg_…)').describe('The delivery id, which is also its webhook-id header') });

export const deliveryViewSchema = z.object({
  id: z.string().describe('Also the webhook-id header: the same on every attempt.'),
  subscriptionId: z.string(),
  eventType: z.string(),
  eventId: z.string(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES as [WebhookDeliveryStatus, ...WebhookDeliveryStatus[]]),
  attempts: z.number().int().describe('Attempts started (since the last retry by an admin).'),
  nextAttemptAt: z.iso.datetime().nullable().describe('When the next attempt is due; null unless pending.'),
  lastStatusCode: z.number().int().nullable().describe("The receiver's last HTTP status; null when it never answered."),
  lastError: z.string().nullable().describe('Why the last attempt failed: HTTP status and the start of the body, a timeout, a refused connection.'),
  createdAt: z.iso.datetime(),
  deliveredAt: z.iso.datetime().nullable(),
  payload: z.object({ type: z.string(), timestamp: z.iso.datetime(), data: z.unknown() }).describe('The body sent.'),
});
export const deliveryListSchema = z.object({ items: z.array(deliveryViewSchema), nextCursor: z.string().nullable().describe('null on the last page') });
