import { Controller, Get, Header, Inject, NotFoundException, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Registry } from 'prom-client';
import { ApiDoc } from './openapi/api-doc.decorator';
import { METRICS_REGISTRY } from './tokens';

/** Prometheus exposition of the process's metrics (consumer lag, records/s, dead letters …). */
@Controller()
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry | null) {}

  @Get('metrics')
  @ApiDoc({ summary: 'Prometheus metrics of this process (text exposition format)' })
  @Header('cache-control', 'no-store')
  async metrics(@Res({ passthrough: true }) res: Response): Promise<string> {
    if (!this.registry) throw new NotFoundException();
    res.type(this.registry.contentType);
    return this.registry.metrics();
  }
}
