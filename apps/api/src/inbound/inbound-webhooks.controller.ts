import { randomUUID, createHash, timingSafeEqual } from 'node:crypto';
import { Body, Controller, Headers, HttpCode, HttpStatus, Inject, Post, UseFilters, UseGuards } from '@nestjs/common';
import type { Logger } from 'pino';
import { Public } from '../auth/public.decorator';
import { RequireRole } from '../auth/require-role.decorator';
import { ApiDoc } from '../openapi/api-doc.decorator';
import { ZodValidationPipe } from '../zod-validation.pipe';
import { fromAlertmanager, fromGeneric, fromGrafana, fromPagerDuty } from './alert-sources';
import { INBOUND_LOGGER, INBOUND_OPTIONS, type ResolvedInboundAlertsOptions } from './inbound-alerts.options';
import { InboundAlertsService, type InboundOutcomeSummary } from './inbound-alerts.service';
import { InboundRefusal } from './inbound-http';
import { InboundWebhookExceptionFilter } from './inbound-webhooks.filter';
import { PagerDutyEnabledGuard, StandardWebhookSignatureGuard } from './inbound-webhooks.guards';
import {
  alertmanagerPayloadSchema,
  genericPayloadSchema,
  grafanaPayloadSchema,
  inboundAcceptedSchema,
  pagerDutyEventSchema,
  pagerDutyResponseSchema,
  type AlertmanagerPayload,
  type GenericPayload,
  type GrafanaPayload,
  type PagerDutyEvent,
} from './inbound.schemas';

const accepted = (outcome: InboundOutcomeSummary) => ({ status: 'success' as const, received: outcome.received, published: outcome.published, ignored: outcome.ignored });

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

const MAPPING =
  'Each alert becomes an anomaly event of kind `alert` on the anomalies topic (keyed by service): firing → `open` (a repeat → `update`), resolved → `recover`; ' +
  'service from the labels service, job, app, namespace; score from the severity label. 202: published; 400 names the field; 413 over 1 MiB; 503 with Retry-After when the bus is down.';

/**
 * Alerts from other systems, as anomaly events the responder correlates with detected ones:
 * Prometheus Alertmanager and Grafana (bearer token, role responder), PagerDuty Events API v2
 * (its routing key) and a generic signed format (Standard Webhooks).
 */
@Controller('api/webhooks')
@UseFilters(InboundWebhookExceptionFilter)
export class InboundWebhooksController {
  private readonly routingKeyHash: Buffer | null;

  constructor(
    @Inject(InboundAlertsService) private readonly alerts: InboundAlertsService,
    @Inject(INBOUND_OPTIONS) options: ResolvedInboundAlertsOptions,
    @Inject(INBOUND_LOGGER) private readonly logger: Logger | null,
  ) {
    this.routingKeyHash = options.pagerDutyRoutingKey ? sha256(options.pagerDutyRoutingKey) : null;
  }

  @Post('alertmanager')
  @HttpCode(HttpStatus.ACCEPTED)
  @RequireRole('responder')
  @ApiDoc({
    summary: 'Prometheus Alertmanager webhook receiver (payload version 4)',
    description: `Point a webhook_config at it with http_config.authorization.credentials = a responder token. ${MAPPING}`,
    body: alertmanagerPayloadSchema,
    response: inboundAcceptedSchema,
  })
  async alertmanager(@Body(new ZodValidationPipe(alertmanagerPayloadSchema)) body: AlertmanagerPayload) {
    if (body.truncatedAlerts) this.logger?.warn({ groupKey: body.groupKey, truncatedAlerts: body.truncatedAlerts }, 'Alertmanager left alerts out of a notification (max_alerts)');
    return accepted(await this.alerts.receive('alertmanager', fromAlertmanager(body, this.alerts.nowNs())));
  }

  @Post('grafana')
  @HttpCode(HttpStatus.ACCEPTED)
  @RequireRole('responder')
  @ApiDoc({
    summary: 'Grafana unified alerting webhook contact point',
    description: `Authorization header scheme Bearer with a responder token. ${MAPPING}`,
    body: grafanaPayloadSchema,
    response: inboundAcceptedSchema,
  })
  async grafana(@Body(new ZodValidationPipe(grafanaPayloadSchema)) body: GrafanaPayload) {
    return accepted(await this.alerts.receive('grafana', fromGrafana(body, this.alerts.nowNs())));
  }

  @Post('pagerduty')
  @HttpCode(HttpStatus.ACCEPTED)
  @Public()
  @UseGuards(PagerDutyEnabledGuard)
  @ApiDoc({
    summary: 'PagerDuty Events API v2 (trigger, acknowledge, resolve)',
    description:
      'Authenticated by routing_key = VIGIL_PAGERDUTY_ROUTING_KEY (404 when unset; a wrong key is 400 "Invalid routing key", as PagerDuty answers). ' +
      'trigger → open (a repeat of an open dedup_key → update), acknowledge → update (noted in the summary; the Vigil incident is not acknowledged), resolve → recover. ' +
      'Answers like PagerDuty: 202 {status, message, dedup_key}; 400 {status: "invalid event", message, errors}.',
    body: pagerDutyEventSchema,
    response: pagerDutyResponseSchema,
  })
  async pagerduty(@Body(new ZodValidationPipe(pagerDutyEventSchema)) event: PagerDutyEvent) {
    // Hashes have one length whatever the key's, so the comparison says nothing about how close a guess came.
    if (!this.routingKeyHash || !timingSafeEqual(sha256(event.routing_key), this.routingKeyHash)) {
      throw new InboundRefusal(400, { statusCode: 400, message: 'Invalid routing key' }, 'unauthorized');
    }
    const dedupKey = event.dedup_key ?? randomUUID();
    await this.alerts.receive('pagerduty', [fromPagerDuty(event, dedupKey, this.alerts.nowNs())]);
    return { status: 'success' as const, message: 'Event processed', dedup_key: dedupKey };
  }

  @Post('generic')
  @HttpCode(HttpStatus.ACCEPTED)
  @Public()
  @UseGuards(StandardWebhookSignatureGuard)
  @ApiDoc({
    summary: 'Generic alerts, signed the Standard Webhooks way',
    description:
      'Headers webhook-id, webhook-timestamp (seconds, within 5 minutes) and webhook-signature (v1,<base64 HMAC-SHA256 with VIGIL_WEBHOOK_SECRET of "id.timestamp.body">); ' +
      `404 when VIGIL_WEBHOOK_SECRET is unset, 401 for a bad, missing or stale signature, 409 for a webhook-id already accepted. ${MAPPING}`,
    body: genericPayloadSchema,
    response: inboundAcceptedSchema,
  })
  async generic(@Body(new ZodValidationPipe(genericPayloadSchema)) body: GenericPayload, @Headers('webhook-id') deliveryId: string) {
    return accepted(await this.alerts.receive('generic', fromGeneric(body, this.alerts.nowNs()), deliveryId));
  }
}
