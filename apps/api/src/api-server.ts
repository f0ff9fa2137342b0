import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import { ApiModule, type ApiDependencies } from './api.module';

export interface ApiServer {
  readonly url: string;
  readonly app: INestApplication;
  /** Stops accepting connections and waits for open requests. */
  close(): Promise<void>;
}

export async function startApi(deps: ApiDependencies & { logger: Logger }, listen: { host: string; port: number }): Promise<ApiServer> {
  const app = await NestFactory.create(ApiModule.forRoot(deps), { logger: false, abortOnError: false });
  app.getHttpAdapter().getInstance().disable('x-powered-by');
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
