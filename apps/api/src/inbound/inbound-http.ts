import type { IncomingMessage } from 'node:http';
import { HttpException } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Registry } from 'prom-client';
import { mediaTypeOf } from '../otlp-gateway/otlp-content-type';
import { INBOUND_SOURCES, type InboundSource } from './inbound-alert';
import { inboundMetrics, outcomeOfStatus, type InboundOutcome } from './inbound-metrics';

/** Largest inbound webhook body, after any Content-Encoding is undone; larger → 413. */
export const INBOUND_WEBHOOK_MAX_BYTES = 1024 * 1024;

/** Sent with 503 when the bus (or database) is unavailable: the sender's retry has a chance then. */
export const INBOUND_RETRY_AFTER_SECONDS = 5;

const PATHS = new Map<string, InboundSource>(INBOUND_SOURCES.map((source) => [`/api/webhooks/${source}`, source]));

/**
 * The inbound webhook a request is for, by its path. Express ignores case and a trailing slash
 * when routing, so this must too, or a `/API/Webhooks/Generic/` request would escape the limits.
 */
export function inboundSourceOfRequest(req: Pick<IncomingMessage, 'url'>): InboundSource | null {
  const path = (req.url ?? '').split('?', 1)[0] ?? '';
  return PATHS.get(path.toLowerCase().replace(/\/+$/, '')) ?? null;
}

/** JSON, or no Content-Type at all (some senders omit it): what the webhook routes read. */
const isJsonLike = (contentType: string | undefined): boolean => {
  const type = mediaTypeOf(contentType);
  return type === '' || type === 'application/json' || type.endsWith('+json');
};

/** The raw bytes the JSON parser read: signatures are over these, not over a re-serialization. */
export type RequestWithRawBody = IncomingMessage & { rawBody?: Buffer };

/** A refusal from an inbound webhook, with the outcome it is counted as and any Retry-After. */
export class InboundRefusal extends HttpException {
  constructor(
    status: number,
    body: Record<string, unknown>,
    readonly outcome?: InboundOutcome,
    readonly retryAfterSeconds?: number,
  ) {
    super(body, status);
  }
}

/**
 * PagerDuty's own error body (`{status: 'invalid event', message: 'Event object is invalid', errors}`)
 * for a 400, with the zod issues kept beside it so the field is still named.
 */
export function pagerDutyErrorBody(body: Record<string, unknown>): Record<string, unknown> {
  const issues = Array.isArray(body['issues']) ? (body['issues'] as { path: string; message: string }[]) : [];
  const errors = issues.length > 0 ? issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)) : [String(body['message'] ?? 'invalid event')];
  return { status: 'invalid event', message: 'Event object is invalid', errors, ...(issues.length > 0 ? { issues } : {}) };
}

/** Writes an inbound webhook's error answer and counts it; shared by the body parser and the controllers' filter. */
export function sendInboundError(
  response: Response,
  source: InboundSource | null,
  status: number,
  body: Record<string, unknown>,
  registry: Registry | null | undefined,
  refusal?: { outcome?: InboundOutcome; retryAfterSeconds?: number },
): void {
  inboundMetrics(registry).requests.inc({ source: source ?? 'unknown', outcome: refusal?.outcome ?? outcomeOfStatus(status) });
  if (response.headersSent) return;
  if (refusal?.retryAfterSeconds !== undefined) response.setHeader('Retry-After', String(refusal.retryAfterSeconds));
  response.status(status).json(source === 'pagerduty' && status === 400 ? pagerDutyErrorBody(body) : body);
}

const ERROR_NAMES: Readonly<Record<number, string>> = { 400: 'Bad Request', 413: 'Payload Too Large', 415: 'Unsupported Media Type' };

/**
 * Nest's JSON body parser for the inbound webhook routes, ahead of the application's own: a
 * 1 MiB limit (Alertmanager groups can be large), the raw bytes kept for signature checks, and
 * JSON errors (413, 400 malformed, 415) counted like every other outcome. Other routes pass by.
 */
export function installInboundWebhookBodyParser(app: NestExpressApplication, registry: Registry | undefined): void {
  const refuse = (res: Response, source: InboundSource, status: number, message: string): void =>
    sendInboundError(res, source, status, { statusCode: status, error: ERROR_NAMES[status] ?? 'Error', message }, registry);
  const mediaType: RequestHandler = (req, res, next) => {
    const source = inboundSourceOfRequest(req);
    if (source && req.method === 'POST' && !isJsonLike(req.headers['content-type'])) {
      refuse(res, source, 415, `expected Content-Type: application/json, got ${mediaTypeOf(req.headers['content-type'])}`);
      return;
    }
    next();
  };
  app.use(mediaType);
  app.useBodyParser('json', {
    type: (req: IncomingMessage) => inboundSourceOfRequest(req) !== null && isJsonLike(req.headers['content-type']),
    limit: INBOUND_WEBHOOK_MAX_BYTES,
    verify: (req: RequestWithRawBody, _res: unknown, raw: Buffer) => {
      req.rawBody = raw;
    },
  });
  const parseErrors: ErrorRequestHandler = (error: { status?: number; type?: string; message?: string }, req, res, next) => {
    const source = inboundSourceOfRequest(req);
    if (!source) return next(error);
    const status = typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 400;
    const message =
      error.type === 'entity.too.large'
        ? `the body is over the ${INBOUND_WEBHOOK_MAX_BYTES}-byte limit of inbound webhooks`
        : error.type === 'entity.parse.failed'
          ? `the body is not valid JSON: ${error.message ?? 'parse error'}`
          : (error.message ?? 'the body could not be read');
    refuse(res, source, status, message);
  };
  app.use(parseErrors);
}
