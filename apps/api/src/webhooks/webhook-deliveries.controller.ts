import { ConflictException, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { AuditLogRepository, WebhookDeliveryRepository, WebhookSubscriptionRepository, type Database, type StoredWebhookDelivery } from '@vigil/store';
import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { RequireRole } from '../auth/require-role.decorator';
import { paged } from '../incidents/cursor-errors';
import { ApiDoc } from '../openapi/api-doc.decorator';
import { DATABASE } from '../tokens';
import { ZodValidationPipe } from '../zod-validation.pipe';
import { deliveryIdSchema, deliveryListQuerySchema, deliveryListSchema, deliveryViewSchema, type DeliveryListQuery } from './webhook.schemas';

/** The delivery log of outbound webhooks, and a second chance for dead deliveries. */
@Controller('api/webhook-deliveries')
@RequireRole('admin')
export class WebhookDeliveriesController {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  @Get()
  @ApiDoc({
    summary: 'The delivery log, newest first: status, attempts, the last status code and error, timestamps',
    description: 'Filter by subscription and status (pending, delivered, dead); cursor-paginated.',
    query: deliveryListQuerySchema,
    response: deliveryListSchema,
  })
  list(@Query(new ZodValidationPipe(deliveryListQuerySchema)) query: DeliveryListQuery): Promise<{ items: StoredWebhookDelivery[]; nextCursor: string | null }> {
    return paged(() => new WebhookDeliveryRepository(this.db).list(query));
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Retry a dead delivery: it goes back to pending, due now, with a fresh count of attempts and the same webhook-id',
    params: deliveryIdSchema,
    response: deliveryViewSchema,
  })
  retry(@Param(new ZodValidationPipe(deliveryIdSchema)) { id }: z.output<typeof deliveryIdSchema>, @CurrentActor() actor: Actor): Promise<StoredWebhookDelivery> {
    return this.db.transaction(async (tx) => {
      const deliveries = new WebhookDeliveryRepository(tx);
      const before = await deliveries.get(id);
      if (!before) throw new NotFoundException({ error: 'not_found', message: `no webhook delivery ${id}` });
      const subscription = await new WebhookSubscriptionRepository(tx).get(before.subscriptionId);
      if (subscription?.disabledAt) throw new ConflictException({ error: 'subscription_disabled', message: `webhook subscription ${before.subscriptionId} is disabled` });
      const after = await deliveries.revive(id);
      if (!after) throw new ConflictException({ error: 'not_dead', message: `webhook delivery ${id} is ${before.status}; only a dead one can be retried`, status: before.status });
      const summary = ({ payload: _payload, ...rest }: StoredWebhookDelivery) => rest;
      await new AuditLogRepository(tx).record({ actor: actor.name, actorRole: actor.role, action: 'webhook_delivery.retry', targetType: 'webhook_delivery', targetId: id, before: summary(before), after: summary(after) });
      return after;
    });
  }
}
