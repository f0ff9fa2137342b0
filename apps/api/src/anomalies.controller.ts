import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ANOMALY_KINDS, anomalyEventSchema } from '@vigil/contracts';
import { AnomalyRepository, type Database, type StoredAnomaly } from '@vigil/store';
import { z } from 'zod';
import { paged } from './incidents/cursor-errors';
import { ApiDoc } from './openapi/api-doc.decorator';
import { DATABASE } from './tokens';
import { ZodValidationPipe } from './zod-validation.pipe';

export const anomaliesQuerySchema = z.object({
  service: z.string().min(1).max(256).optional(),
  status: z.enum(['open', 'recovered']).optional(),
  kind: z.enum(ANOMALY_KINDS).optional(),
  minScore: z.coerce.number().min(0).max(1).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type AnomaliesQuery = z.output<typeof anomaliesQuerySchema>;

export const storedAnomalySchema = z.object({
  id: z.string(),
  service: z.string(),
  kind: z.string(),
  fingerprint: z.string(),
  status: z.enum(['open', 'recovered']).describe('open: still firing'),
  score: z.number(),
  summary: z.string(),
  openedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  event: anomalyEventSchema.describe('The latest finding: evidence lines, expected band, score'),
});

@Controller('api/anomalies')
export class AnomaliesController {
  private readonly repository: AnomalyRepository;

  constructor(@Inject(DATABASE) db: Database) {
    this.repository = new AnomalyRepository(db);
  }

  /** Newest first; each with its latest event (evidence lines, expected band, score). */
  @Get()
  @ApiDoc({
    summary: 'Anomalies, newest first, with their latest event; filter by service, status, kind, score and time; cursor-paginated',
    query: anomaliesQuerySchema,
    response: z.object({ items: z.array(storedAnomalySchema), nextCursor: z.string().nullable() }),
  })
  async list(@Query(new ZodValidationPipe(anomaliesQuerySchema)) query: AnomaliesQuery): Promise<{ items: StoredAnomaly[]; nextCursor: string | null }> {
    const { from, to, ...rest } = query;
    return paged(() => this.repository.page({ ...rest, ...(from ? { fromMs: Date.parse(from) } : {}), ...(to ? { toMs: Date.parse(to) } : {}) }));
  }
}
