import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { AuditLogRepository, WebhookSubscriptionRepository, type CreatedWebhookSubscription, type Database, type WebhookSubscription } from '@vigil/store';
import { z } from 'zod';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { RequireRole } from '../auth/require-role.decorator';
import { ApiDoc } from '../openapi/api-doc.decorator';
import { DATABASE } from '../tokens';
import { ZodValidationPipe } from '../zod-validation.pipe';
import { createdSubscriptionSchema, createSubscriptionSchema, subscriptionIdSchema, subscriptionViewSchema, type CreateSubscription } from './webhook.schemas';

export const WEBHOOK_SUBSCRIPTION_TARGET = 'webhook_subscription';

/**
 * Outbound webhook subscriptions: admins choose a URL and the events it gets; Vigil signs every
 * delivery with the subscription's secret (Standard Webhooks), shown once at creation.
 */
@Controller('api/webhook-subscriptions')
@RequireRole('admin')
export class WebhookSubscriptionsController {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  @Get()
  @ApiDoc({ summary: 'List webhook subscriptions, disabled ones too (never their secrets)', response: z.object({ items: z.array(subscriptionViewSchema) }) })
  async list(): Promise<{ items: WebhookSubscription[] }> {
    return { items: await new WebhookSubscriptionRepository(this.db).list() };
  }

  @Post()
  @ApiDoc({
    summary: 'Subscribe a URL to events; the response holds the signing secret, shown only this once',
    description: 'Deliveries are POSTed as {type, timestamp, data} with webhook-id, webhook-timestamp and webhook-signature headers (standardwebhooks.com), retried with backoff, dead after VIGIL_WEBHOOK_MAX_ATTEMPTS.',
    body: createSubscriptionSchema,
    response: createdSubscriptionSchema,
  })
  create(@Body(new ZodValidationPipe(createSubscriptionSchema)) body: CreateSubscription, @CurrentActor() actor: Actor): Promise<CreatedWebhookSubscription> {
    return this.db.transaction(async (tx) => {
      const created = await new WebhookSubscriptionRepository(tx).create({ url: body.url, eventTypes: body.eventTypes, description: body.description ?? null, createdBy: actor.name });
      const { secret: _secret, ...after } = created;
      await new AuditLogRepository(tx).record({ actor: actor.name, actorRole: actor.role, action: 'webhook_subscription.create', targetType: WEBHOOK_SUBSCRIPTION_TARGET, targetId: created.id, before: null, after });
      return created;
    });
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiDoc({
    summary: 'Disable a subscription: nothing more is sent to it, its pending deliveries become dead. It stays listed; disabling twice changes nothing.',
    params: subscriptionIdSchema,
  })
  async disable(@Param(new ZodValidationPipe(subscriptionIdSchema)) { id }: z.output<typeof subscriptionIdSchema>, @CurrentActor() actor: Actor): Promise<void> {
    await this.db.transaction(async (tx) => {
      const subscriptions = new WebhookSubscriptionRepository(tx);
      const before = await subscriptions.get(id);
      if (!before) throw new NotFoundException({ error: 'not_found', message: `no webhook subscription ${id}` });
      const after = await subscriptions.disable(id);
      if (!after) return;
      await new AuditLogRepository(tx).record({ actor: actor.name, actorRole: actor.role, action: 'webhook_subscription.disable', targetType: WEBHOOK_SUBSCRIPTION_TARGET, targetId: id, before, after });
    });
  }
}
