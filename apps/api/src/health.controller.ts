import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { ApiDoc } from './openapi/api-doc.decorator';
import type { Readiness } from './readiness';
import { READINESS } from './tokens';

const readinessSchema = z.object({ status: z.enum(['ready', 'not_ready']), checks: z.record(z.string(), z.boolean()) });

@Controller()
export class HealthController {
  constructor(@Inject(READINESS) private readonly readiness: Readiness) {}

  /** Liveness: the process answers. */
  @Get('healthz')
  @ApiDoc({ summary: 'Liveness: the process answers', response: z.object({ status: z.literal('ok') }) })
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: 503 until the database is migrated and the consumers have their partitions. */
  @Get('readyz')
  @ApiDoc({ summary: 'Readiness: 503 until migrations ran and the consumers hold their partitions', response: readinessSchema })
  async ready(@Res({ passthrough: true }) res: Response): Promise<{ status: 'ready' | 'not_ready'; checks: Record<string, boolean> }> {
    const report = await this.readiness.report();
    res.status(report.ready ? 200 : 503);
    return { status: report.ready ? 'ready' : 'not_ready', checks: report.checks };
  }
}
