import { Controller, Get, Inject, Query } from '@nestjs/common';
import { AnomalyRepository, type Database, type StoredAnomaly } from '@vigil/store';
import { z } from 'zod';
import { DATABASE } from './tokens';
import { ZodValidationPipe } from './zod-validation.pipe';

export const anomaliesQuerySchema = z.object({
  service: z.string().min(1).max(256).optional(),
  status: z.enum(['open', 'recovered']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type AnomaliesQuery = z.output<typeof anomaliesQuerySchema>;

@Controller('api/v1/anomalies')
export class AnomaliesController {
  private readonly repository: AnomalyRepository;

  constructor(@Inject(DATABASE) db: Database) {
    this.repository = new AnomalyRepository(db);
  }

  /** Newest first; each with its latest event (evidence lines, expected band, score). */
  @Get()
  async list(@Query(new ZodValidationPipe(anomaliesQuerySchema)) query: AnomaliesQuery): Promise<{ items: StoredAnomaly[] }> {
    return { items: await this.repository.list(query) };
  }
}
