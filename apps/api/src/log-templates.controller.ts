import { Controller, Get, Inject, Query } from '@nestjs/common';
import { decodeCursor, encodeCursor, LogTemplateRepository, RedactionRepository, type Database, type StoredTemplate } from '@vigil/store';
import { paged } from './incidents/cursor-errors';
import { z } from 'zod';
import { ApiDoc } from './openapi/api-doc.decorator';
import { DATABASE } from './tokens';
import { ZodValidationPipe } from './zod-validation.pipe';

export const logTemplatesQuerySchema = z.object({
  service: z.string().min(1).max(256).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  includeMerged: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  cursor: z.string().max(512).optional(),
});
export type LogTemplatesQuery = z.output<typeof logTemplatesQuerySchema>;

export const redactionsQuerySchema = z.object({
  sinceHours: z.coerce.number().int().min(1).max(24 * 90).default(24),
});

export const storedTemplateSchema = z.object({
  service: z.string(),
  templateId: z.number().int(),
  template: z.string().describe('e.g. lock wait timeout exceeded on table <*>'),
  count: z.number().int(),
  firstSeen: z.iso.datetime(),
  lastSeen: z.iso.datetime(),
  examples: z.array(z.unknown()).describe('Example lines (redacted) with their trace ids'),
  mergedInto: z.number().int().nullable(),
  aliases: z.array(z.number().int()).describe('Ids merged into this one (their counts are included)'),
});

const redactionTotalSchema = z.object({ service: z.string(), kind: z.string(), count: z.number().int(), lastSeen: z.iso.datetime() });

@Controller('api')
export class LogTemplatesController {
  private readonly templates: LogTemplateRepository;
  private readonly redactions: RedactionRepository;

  constructor(@Inject(DATABASE) db: Database) {
    this.templates = new LogTemplateRepository(db);
    this.redactions = new RedactionRepository(db);
  }

  /** Mined templates, most frequent first, with counts, first/last seen and example lines. */
  @Get('log-templates')
  @ApiDoc({ summary: 'Mined log templates, most frequent first (cursor-paginated)', query: logTemplatesQuerySchema, response: z.object({ items: z.array(storedTemplateSchema), nextCursor: z.string().nullable() }) })
  async list(@Query(new ZodValidationPipe(logTemplatesQuerySchema)) query: LogTemplatesQuery): Promise<{ items: StoredTemplate[]; nextCursor: string | null }> {
    const { cursor, ...rest } = query;
    const offset = await paged(async () => Number(decodeCursor(cursor, 1)?.[0] ?? 0));
    const rows = await this.templates.list({ ...rest, limit: rest.limit + 1, offset });
    return { items: rows.slice(0, rest.limit), nextCursor: rows.length > rest.limit ? encodeCursor([offset + rest.limit]) : null };
  }

  /** What ingestion masked (card numbers, tokens…) per service and kind: where the leaks are. */
  @Get('redactions')
  @ApiDoc({ summary: 'What ingestion masked, per service and kind', query: redactionsQuerySchema, response: z.object({ items: z.array(redactionTotalSchema) }) })
  async listRedactions(@Query(new ZodValidationPipe(redactionsQuerySchema)) query: z.output<typeof redactionsQuerySchema>) {
    return { items: await this.redactions.totals(new Date(Date.now() - query.sinceHours * 3_600_000)) };
  }
}
