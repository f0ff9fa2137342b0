import { Controller, HttpCode, HttpStatus, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { OtlpSignal } from '@vigil/otlp';
import type { Request, Response } from 'express';
import { negotiateContentCoding, negotiateEncoding } from './otlp-content-type';
import { OtlpGatewayExceptionFilter } from './otlp-gateway.filter';
import { OtlpGatewayService } from './otlp-gateway.service';
import { OTLP_HTTP_PATHS } from './otlp-http-routes';
import { ApiDoc } from '../openapi/api-doc.decorator';
import { encodeExportSuccess } from './otlp-response.encoder';

const OTLP_BODY = 'An OTLP/HTTP export request: application/x-protobuf or application/json, optionally gzip. 200: on the bus; 400 malformed, 413 too large, 429/503 with Retry-After.';

/**
 * The OTLP/HTTP receiver (spec: "OTLP/HTTP"): one POST per signal at the default paths. The
 * body arrives raw (the JSON body parser skips these paths, see `isOtlpHttpRequest`), because
 * protobuf needs the bytes and JSON is forwarded as sent.
 */
@Controller()
@UseFilters(OtlpGatewayExceptionFilter)
export class OtlpGatewayController {
  constructor(@Inject(OtlpGatewayService) private readonly gateway: OtlpGatewayService) {}

  @Post(OTLP_HTTP_PATHS.logs)
  @HttpCode(HttpStatus.OK)
  @ApiDoc({ summary: 'OTLP/HTTP logs receiver', description: OTLP_BODY })
  logs(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.receive('logs', req, res);
  }

  @Post(OTLP_HTTP_PATHS.metrics)
  @HttpCode(HttpStatus.OK)
  @ApiDoc({ summary: 'OTLP/HTTP metrics receiver', description: OTLP_BODY })
  metrics(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.receive('metrics', req, res);
  }

  @Post(OTLP_HTTP_PATHS.traces)
  @HttpCode(HttpStatus.OK)
  @ApiDoc({ summary: 'OTLP/HTTP traces receiver', description: OTLP_BODY })
  traces(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.receive('traces', req, res);
  }

  private async receive(signal: OtlpSignal, req: Request, res: Response): Promise<void> {
    const encoding = negotiateEncoding(req.headers['content-type']);
    const coding = negotiateContentCoding(req.headers['content-encoding']);
    await this.gateway.export(signal, { encoding, coding, contentLength: req.headers['content-length'], body: req });
    // Full success only: the request is published whole or refused whole, so there is never a
    // partial_success to report.
    const success = encodeExportSuccess(encoding);
    res.status(200).setHeader('Content-Type', success.contentType);
    res.end(success.body);
  }
}
