import { Controller, Get, Inject, Query } from '@nestjs/common';
import { SeriesRepository, type Database } from '@vigil/store';
import { z } from 'zod';
import { ApiDoc } from './openapi/api-doc.decorator';
import { DATABASE } from './tokens';
import { ZodValidationPipe } from './zod-validation.pipe';

const HOUR = 3_600_000;
const time = z.iso.datetime({ offset: true });
export const seriesQuerySchema = z
  .object({
    service: z.string().trim().min(1).max(256),
    kind: z.enum(['spans', 'logs', 'metrics']).default('spans'),
    /** Spans: one operation; metrics: one metric name. */
    name: z.string().max(512).optional(),
    from: time.optional(),
    to: time.optional(),
    maxSeries: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict()
  .superRefine((q, ctx) => {
    const to = q.to ? Date.parse(q.to) : Date.now();
    const from = q.from ? Date.parse(q.from) : to - HOUR;
    if (from >= to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' });
    if (to - from > 7 * 24 * HOUR) ctx.addIssue({ code: 'custom', path: ['from'], message: 'at most 7 days of minutes at a time' });
  });
const seriesResponseSchema = z.object({
  service: z.string(),
  kind: z.string(),
  from: z.string(),
  to: z.string(),
  series: z.array(z.object({ key: z.string(), label: z.string(), points: z.array(z.record(z.string(), z.number().nullable())) })),
});

/** Per-minute rollups for charts: span RED per operation, log counts per severity, metric values per series. */
@Controller('api/series')
export class SeriesController {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  @Get()
  @ApiDoc({ summary: "A service's per-minute series for charts (default: the last hour of span RED)", query: seriesQuerySchema, response: seriesResponseSchema })
  async get(@Query(new ZodValidationPipe(seriesQuerySchema)) q: z.output<typeof seriesQuerySchema>) {
    const toMs = q.to ? Date.parse(q.to) : Date.now();
    const fromMs = q.from ? Date.parse(q.from) : toMs - HOUR;
    const repo = new SeriesRepository(this.db);
    const query = { service: q.service, fromMs, toMs, maxSeries: q.maxSeries, ...(q.name ? { name: q.name } : {}) };
    const series = q.kind === 'logs' ? await repo.logs(query) : q.kind === 'metrics' ? await repo.metrics(query) : await repo.spans(query);
    return { service: q.service, kind: q.kind, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), series };
  }
}
