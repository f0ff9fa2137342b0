import { Body, ConflictException, Controller, Delete, Get, HttpCode, HttpStatus, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiTokenRepository, AuditLogRepository, type ApiTokenSummary, type CreatedApiToken, type Database } from '@vigil/store';
import { z } from 'zod';
import type { Actor } from './auth/actor';
import { CurrentActor } from './auth/current-actor.decorator';
import { RequireRole } from './auth/require-role.decorator';
import { ROLES } from './auth/role';
import { BOOTSTRAP_ADMIN_NAME } from './auth/token-authenticator';
import { ApiDoc } from './openapi/api-doc.decorator';
import { DATABASE } from './tokens';
import { ZodValidationPipe } from './zod-validation.pipe';

export const createApiTokenBodySchema = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .refine((name) => name !== BOOTSTRAP_ADMIN_NAME, `${BOOTSTRAP_ADMIN_NAME} is the configured admin token's name`)
    .describe('Who or what uses the token; the audit log names actors by it, so it is unique among active tokens.'),
  role: z.enum(ROLES).describe('viewer reads; responder also acts on incidents; admin also manages tokens and reads the audit log.'),
});
export type CreateApiTokenBody = z.output<typeof createApiTokenBodySchema>;

export const apiTokenIdParamsSchema = z.object({ id: z.uuid().describe('The token id from the list') });

export const apiTokenSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable().describe('Refreshed at most once a minute.'),
  revokedAt: z.iso.datetime().nullable(),
});

const createdApiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  token: z.string().describe('The bearer token. Shown this once: only its hash is stored.'),
});

export const API_TOKEN_TARGET = 'api_token';

/** API tokens: admins create, list and revoke them; each change is audited in its own transaction. */
@Controller('api/tokens')
@RequireRole('admin')
export class TokensController {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  @Get()
  @ApiDoc({ summary: 'List API tokens, revoked ones too (never the tokens or their hashes)', response: z.object({ items: z.array(apiTokenSummarySchema) }) })
  async list(): Promise<{ items: ApiTokenSummary[] }> {
    return { items: await new ApiTokenRepository(this.db).list() };
  }

  @Post()
  @ApiDoc({ summary: 'Create an API token; the response holds the token, shown only this once', body: createApiTokenBodySchema, response: createdApiTokenSchema })
  create(@Body(new ZodValidationPipe(createApiTokenBodySchema)) body: CreateApiTokenBody, @CurrentActor() actor: Actor): Promise<CreatedApiToken> {
    return this.db.transaction(async (tx) => {
      const tokens = new ApiTokenRepository(tx);
      if ((await tokens.list()).some((t) => t.revokedAt === null && t.name === body.name)) {
        throw new ConflictException(`an active token is already named "${body.name}"`);
      }
      const created = await tokens.create({ name: body.name, role: body.role, createdBy: actor.name });
      await new AuditLogRepository(tx).record({
        actor: actor.name,
        actorRole: actor.role,
        action: 'api_token.create',
        targetType: API_TOKEN_TARGET,
        targetId: created.id,
        before: null,
        after: await tokens.get(created.id),
      });
      return created;
    });
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiDoc({ summary: 'Revoke an API token: it stops working at once. Revoking a revoked token changes nothing.', params: apiTokenIdParamsSchema })
  async revoke(@Param(new ZodValidationPipe(apiTokenIdParamsSchema)) params: z.output<typeof apiTokenIdParamsSchema>, @CurrentActor() actor: Actor): Promise<void> {
    await this.db.transaction(async (tx) => {
      const tokens = new ApiTokenRepository(tx);
      const before = await tokens.get(params.id);
      if (!before) throw new NotFoundException(`no token ${params.id}`);
      const after = await tokens.revoke(params.id);
      if (!after) return;
      await new AuditLogRepository(tx).record({
        actor: actor.name,
        actorRole: actor.role,
        action: 'api_token.revoke',
        targetType: API_TOKEN_TARGET,
        targetId: params.id,
        before,
        after,
      });
    });
  }
}
