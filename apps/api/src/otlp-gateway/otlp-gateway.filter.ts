import { Catch, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { negotiateEncoding, type OtlpHttpEncoding } from './otlp-content-type';
import { OtlpGatewayError, type OtlpGatewayErrorKind } from './otlp-gateway.error';
import { OTLP_GATEWAY_LOGGER } from './otlp-gateway.options';
import { encodeStatus, RPC_CODES, type RpcCode } from './otlp-response.encoder';

const HTTP_BY_KIND: Readonly<Record<OtlpGatewayErrorKind, { status: number; rpc: RpcCode }>> = {
  unsupported_media_type: { status: 415, rpc: RPC_CODES.INVALID_ARGUMENT },
  too_large: { status: 413, rpc: RPC_CODES.INVALID_ARGUMENT },
  bad_data: { status: 400, rpc: RPC_CODES.INVALID_ARGUMENT },
  overloaded: { status: 429, rpc: RPC_CODES.RESOURCE_EXHAUSTED },
  unavailable: { status: 503, rpc: RPC_CODES.UNAVAILABLE },
};

/** The request's own encoding when it has one we speak; JSON when the Content-Type itself was refused. */
function responseEncoding(request: Request): OtlpHttpEncoding {
  try {
    return negotiateEncoding(request.headers['content-type']);
  } catch {
    return 'json';
  }
}

/**
 * Maps gateway refusals to OTLP/HTTP failures: the status code tells the client whether to retry
 * (429/503 retry, with Retry-After), and the body is a `google.rpc.Status` (spec: "Failures").
 * Anything else is a bug: 500 with a generic message, details only in the log.
 */
@Catch()
export class OtlpGatewayExceptionFilter implements ExceptionFilter {
  constructor(@Inject(OTLP_GATEWAY_LOGGER) private readonly logger: Logger | null) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const mapped = exception instanceof OtlpGatewayError ? HTTP_BY_KIND[exception.kind] : { status: 500, rpc: RPC_CODES.INTERNAL };
    const message = exception instanceof OtlpGatewayError ? exception.message : 'internal error while receiving the OTLP export request';
    if (!(exception instanceof OtlpGatewayError)) this.logger?.error({ err: exception, path: request.path }, 'OTLP/HTTP receiver failed');
    if (response.headersSent) return;
    const encoded = encodeStatus(responseEncoding(request), mapped.rpc, message);
    response.status(mapped.status).setHeader('Content-Type', encoded.contentType);
    if (exception instanceof OtlpGatewayError && exception.retryAfterSeconds !== undefined) {
      response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    }
    response.end(encoded.body);
  }
}
