import 'reflect-metadata';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import { ApiModule, type ApiDependencies } from './api.module';
import { installInboundWebhookBodyParser } from './inbound/inbound-http';
import { mediaTypeOf } from './otlp-gateway/otlp-content-type';
import { isOtlpHttpRequest } from './otlp-gateway/otlp-http-routes';
import { isSlackEventsRequest } from './slack/slack-events.http';
import { installDashboard } from './web';

export interface ApiServer {
  readonly url: string;
  readonly app: INestApplication;
  /** Stops accepting connections and waits for open requests. */
  close(): Promise<void>;
}

/**
 * Nest's default JSON parser, except on the OTLP/HTTP routes: the receiver reads those bodies
 * raw, to decode protobuf, forward JSON byte for byte and apply its own limits and gzip cap.
 * Nor on Slack's request URL, whose signature is over the raw body (Bolt reads it).
 */
const parsesJson = (req: IncomingMessage): boolean => !isOtlpHttpRequest(req) && !isSlackEventsRequest(req) && mediaTypeOf(req.headers['content-type']) === 'application/json';
const parsesForm = (req: IncomingMessage): boolean => !isSlackEventsRequest(req) && mediaTypeOf(req.headers['content-type']) === 'application/x-www-form-urlencoded';

export async function startApi(deps: ApiDependencies & { logger: Logger }, listen: { host: string; port: number }): Promise<ApiServer> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(deps), { logger: false, abortOnError: false, bodyParser: false });
  app.getHttpAdapter().getInstance().disable('x-powered-by');
  // First: the inbound alert webhooks' own limit (1 MiB), raw bytes for signatures, JSON errors.
  installInboundWebhookBodyParser(app, deps.registry);
  app.useBodyParser('json', { type: parsesJson });
  app.useBodyParser('urlencoded', { extended: true, type: parsesForm });
  // The web dashboard (built by Vite into dist/web) at /, beside the API.
  installDashboard(app);
  await app.listen(listen.port, listen.host);
  const address = app.getHttpServer().address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  deps.logger.info({ url }, 'API listening');
  let closing: Promise<void> | undefined;
  return {
    url,
    app,
    close: () => (closing ??= app.close()),
  };
}
