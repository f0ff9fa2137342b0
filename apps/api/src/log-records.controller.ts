import { Controller, Get, Inject, Query } from '@nestjs/common';
import { normalizedLogRecordSchema } from '@vigil/contracts';
import { LogRecordRepository, type Database, type StoredLogRecord } from '@vigil/store';
import { z } from 'zod';
import { ApiDoc } from './openapi/api-doc.decorator';
import { DATABASE } from './tokens';
import { ZodValidationPipe } from './zod-validation.pipe';

export const logRecordsQuerySchema = z.object({
  service: z.string().min(1).max(256).optional(),
  traceId: z.string().regex(/^[0-9a-f]{32}$/, 'expected 32 lowercase hex characters').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  beforeId: z.string().regex(/^\d+$/, 'expected a record id').optional(),
});
export type LogRecordsQuery = z.output<typeof logRecordsQuerySchema>;

export const storedLogRecordSchema = normalizedLogRecordSchema.extend({
  id: z.string().describe('Pass as beforeId to page'),
  recordKey: z.string(),
  source: z.string().describe('Where it came from, e.g. otlp_logs/2@1234'),
  time: z.iso.datetime(),
});

@Controller('api/logs')
export class LogRecordsController {
  private readonly repository: LogRecordRepository;

  constructor(@Inject(DATABASE) db: Database) {
    this.repository = new LogRecordRepository(db);
  }

  /** Newest first; page with `beforeId` = the last id seen. */
  @Get()
  @ApiDoc({ summary: 'Evidence log lines (redacted), newest first', query: logRecordsQuerySchema, response: z.object({ items: z.array(storedLogRecordSchema) }) })
  async list(@Query(new ZodValidationPipe(logRecordsQuerySchema)) query: LogRecordsQuery): Promise<{ items: StoredLogRecord[] }> {
    return { items: await this.repository.list(query) };
  }
}
