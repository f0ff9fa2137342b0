import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from '../tokens';
import { INBOUND_LOGGER } from './inbound-alerts.options';
import { InboundRefusal, inboundSourceOfRequest, sendInboundError } from './inbound-http';

/**
 * Every refusal of an inbound webhook — the bearer check, the signature, validation, a replay, an
 * unavailable bus — is counted by source and outcome and answered as JSON (PagerDuty's own shape
 * for its 400s), with Retry-After on 503. Anything else is a bug: 500, details only in the log.
 */
@Catch()
export class InboundWebhookExceptionFilter implements ExceptionFilter {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry | null,
    @Inject(INBOUND_LOGGER) private readonly logger: Logger | null,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const source = inboundSourceOfRequest(request);
    if (!(exception instanceof HttpException)) {
      this.logger?.error({ err: exception, path: request.path }, 'inbound alert webhook failed');
      sendInboundError(response, source, 500, { statusCode: 500, error: 'Internal Server Error', message: 'internal error while receiving the alerts' }, this.registry);
      return;
    }
    const status = exception.getStatus();
    const raw = exception.getResponse();
    const body = typeof raw === 'string' ? { statusCode: status, message: raw } : (raw as Record<string, unknown>);
    const refusal = exception instanceof InboundRefusal ? { outcome: exception.outcome, retryAfterSeconds: exception.retryAfterSeconds } : undefined;
    sendInboundError(response, source, status, body, this.registry, refusal);
  }
}
