import { Controller, Get, Inject, Query } from '@nestjs/common';
import { AuditLogRepository, decodeAuditCursor, type AuditLogPage, type Database } from '@vigil/store';
import { z } from 'zod';
import { RequireRole } from './auth/require-role.decorator';
import { ApiDoc } from './openapi/api-doc.decorator';
import { DATABASE } from './tokens';
import { ZodValidationPipe } from './zod-validation.pipe';

const filter = z.string().min(1).max(256).optional();

export const auditQuerySchema = z.object({
  cursor: z
    .string()
    .refine((cursor) => decodeAuditCursor(cursor) !== null, 'expected the nextCursor of a previous page')
    .optional()
    .describe("The previous page's nextCursor; absent for the newest entries."),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  targetType: filter.describe('Only changes to this kind of thing, e.g. api_token.'),
  targetId: filter.describe('Only changes to this one thing.'),
  actor: filter.describe('Only changes made by this actor (a token name).'),
});
export type AuditQuery = z.output<typeof auditQuerySchema>;

export const auditEntrySchema = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  actor: z.string(),
  actorRole: z.string().nullable(),
  action: z.string().describe('e.g. api_token.create'),
  targetType: z.string(),
  targetId: z.string(),
  before: z.unknown().describe('The target before the change; null when it was created.'),
  after: z.unknown().describe('The target after the change; null when it was deleted.'),
});

/** The audit log: every change made through the API, newest first. */
@Controller('api/audit')
@RequireRole('admin')
export class AuditController {
  private readonly repository: AuditLogRepository;

  constructor(@Inject(DATABASE) db: Database) {
    this.repository = new AuditLogRepository(db);
  }

  @Get()
  @ApiDoc({
    summary: 'Audit entries, newest first; page with nextCursor',
    query: auditQuerySchema,
    response: z.object({ items: z.array(auditEntrySchema), nextCursor: z.string().nullable().describe('null on the last page') }),
  })
  list(@Query(new ZodValidationPipe(auditQuerySchema)) query: AuditQuery): Promise<AuditLogPage> {
    return this.repository.list(query);
  }
}
