import { Controller, Get, Inject, Query } from '@nestjs/common';
import { LogTemplateRepository, RedactionRepository, type Database, type StoredTemplate } from '@vigil/store';
import { z } from 'zod';
import { DATABASE } from './tokens';
import { ZodValidationPipe } from './zod-validation.pipe';

export const logTemplatesQuerySchema = z.object({
  service: z.string().min(1).max(256).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  includeMerged: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});
export type LogTemplatesQuery = z.output<typeof logTemplatesQuerySchema>;

export const redactionsQuerySchema = z.object({
  sinceHours: z.coerce.number().int().min(1).max(24 * 90).default(24),
});

@Controller('api/v1')
export class LogTemplatesController {
  private readonly templates: LogTemplateRepository;
  private readonly redactions: RedactionRepository;

  constructor(@Inject(DATABASE) db: Database) {
    this.templates = new LogTemplateRepository(db);
    this.redactions = new RedactionRepository(db);
  }

  /** Mined templates, most frequent first, with counts, first/last seen and example lines. */
  @Get('log-templates')
  async list(@Query(new ZodValidationPipe(logTemplatesQuerySchema)) query: LogTemplatesQuery): Promise<{ items: StoredTemplate[] }> {
    return { items: await this.templates.list(query) };
  }

  /** What ingestion masked (card numbers, tokens…) per service and kind: where the leaks are. */
  @Get('redactions')
  async listRedactions(@Query(new ZodValidationPipe(redactionsQuerySchema)) query: z.output<typeof redactionsQuerySchema>) {
    return { items: await this.redactions.totals(new Date(Date.now() - query.sinceHours * 3_600_000)) };
  }
}
