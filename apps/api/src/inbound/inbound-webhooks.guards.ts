import { Inject, Injectable, NotFoundException, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { verifyWebhook, WEBHOOK_TOLERANCE_SECONDS } from '@vigil/webhooks';
import { INBOUND_OPTIONS, type ResolvedInboundAlertsOptions } from './inbound-alerts.options';
import type { RequestWithRawBody } from './inbound-http';

/** The 404 Nest gives a route that does not exist, word for word. */
const absent = (request: { method?: string; url?: string }): NotFoundException => new NotFoundException(`Cannot ${request.method ?? 'POST'} ${request.url ?? ''}`);

const WHY: Readonly<Record<'missing_headers' | 'stale_timestamp' | 'bad_signature', string>> = {
  missing_headers: 'missing or malformed webhook-id, webhook-timestamp or webhook-signature header (Standard Webhooks)',
  stale_timestamp: `webhook-timestamp is more than ${WEBHOOK_TOLERANCE_SECONDS / 60} minutes away from now`,
  bad_signature: 'webhook-signature does not match the body',
};

/**
 * `POST /api/webhooks/generic`: a Standard Webhooks signature (HMAC-SHA256 with
 * VIGIL_WEBHOOK_SECRET over `id.timestamp.body`, the raw bytes) and a timestamp within 5 minutes,
 * checked before the body is validated. Without a secret the route does not exist (404).
 */
@Injectable()
export class StandardWebhookSignatureGuard implements CanActivate {
  constructor(@Inject(INBOUND_OPTIONS) private readonly options: ResolvedInboundAlertsOptions) {}

  canActivate(context: ExecutionContext): boolean {
    const secret = this.options.webhookSecret;
    const request = context.switchToHttp().getRequest<RequestWithRawBody>();
    if (!secret) throw absent(request);
    const verdict = verifyWebhook(secret, request.headers, request.rawBody ?? Buffer.alloc(0), this.options.now());
    if (!verdict.ok) throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', reason: verdict.reason, message: WHY[verdict.reason] });
    return true;
  }
}

/** `POST /api/webhooks/pagerduty` exists only with VIGIL_PAGERDUTY_ROUTING_KEY set (404 otherwise). */
@Injectable()
export class PagerDutyEnabledGuard implements CanActivate {
  constructor(@Inject(INBOUND_OPTIONS) private readonly options: ResolvedInboundAlertsOptions) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.options.pagerDutyRoutingKey) throw absent(context.switchToHttp().getRequest<RequestWithRawBody>());
    return true;
  }
}
