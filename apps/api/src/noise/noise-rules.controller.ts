import { Body, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { AuditLogRepository, IncidentRepository, NoiseRuleRepository, SuppressedSignalRepository, type Database, type StoredMaintenanceWindow, type StoredSilence } from '@vigil/store';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { RequireRole } from '../auth/require-role.decorator';
import { paged } from '../incidents/cursor-errors';
import { ApiDoc } from '../openapi/api-doc.decorator';
import { DATABASE } from '../tokens';
import { ZodValidationPipe } from '../zod-validation.pipe';
import { createMaintenanceSchema, createSilenceSchema, maintenanceViewSchema, ruleIdSchema, silenceViewSchema, suppressedQuerySchema } from './noise.schemas';

const iso = (ms: number): string => new Date(ms).toISOString();
const silenceView = (s: StoredSilence, now: number) => ({ id: s.id, matchers: s.matchers, startsAt: iso(s.startsAtMs), endsAt: iso(s.endsAtMs), createdBy: s.createdBy, comment: s.comment, active: s.startsAtMs <= now && now < s.endsAtMs });
const windowView = (w: StoredMaintenanceWindow, now: number) => ({ id: w.id, service: w.service, startsAt: iso(w.startsAtMs), endsAt: iso(w.endsAtMs), createdBy: w.createdBy, reason: w.reason, active: w.startsAtMs <= now && now < w.endsAtMs });

/**
 * Silences (Alertmanager-style matchers over a time range) and maintenance windows per service.
 * They keep signals out of incidents; what they suppress stays listed under /api/suppressed-signals.
 */
@Controller('api')
export class NoiseRulesController {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  @Get('silences')
  @ApiDoc({ summary: 'Silences, newest first', response: z.object({ items: z.array(silenceViewSchema) }) })
  async silences() {
    const now = Date.now();
    return { items: (await new NoiseRuleRepository(this.db).silences()).map((s) => silenceView(s, now)) };
  }

  @Post('silences')
  @RequireRole('responder')
  @ApiDoc({ summary: 'Silence matching signals for a time range', body: createSilenceSchema, response: silenceViewSchema })
  async createSilence(@Body(new ZodValidationPipe(createSilenceSchema)) body: z.output<typeof createSilenceSchema>, @CurrentActor() actor: Actor) {
    const silence: StoredSilence = { id: `sil-${randomUUID()}`, matchers: body.matchers, startsAtMs: body.startsAt ? Date.parse(body.startsAt) : Date.now(), endsAtMs: Date.parse(body.endsAt), createdBy: actor.name, comment: body.comment };
    await this.write(actor, 'silence.create', silence.id, null, silence, (repo) => repo.addSilence(silence));
    return silenceView(silence, Date.now());
  }

  @Delete('silences/:id')
  @HttpCode(204)
  @RequireRole('responder')
  @ApiDoc({ summary: 'Expire a silence now (it stays listed)', params: ruleIdSchema })
  async expireSilence(@Param(new ZodValidationPipe(ruleIdSchema)) { id }: { id: string }, @CurrentActor() actor: Actor) {
    const before = await new NoiseRuleRepository(this.db).getSilence(id);
    if (!before) throw new NotFoundException({ error: 'not_found', message: `no silence ${id}` });
    const now = Date.now();
    await this.write(actor, 'silence.expire', id, before, { ...before, endsAtMs: Math.min(before.endsAtMs, now) }, (repo) => repo.expireSilence(id, now));
  }

  @Get('maintenance-windows')
  @ApiDoc({ summary: 'Maintenance windows, newest first', response: z.object({ items: z.array(maintenanceViewSchema) }) })
  async windows() {
    const now = Date.now();
    return { items: (await new NoiseRuleRepository(this.db).maintenanceWindows()).map((w) => windowView(w, now)) };
  }

  @Post('maintenance-windows')
  @RequireRole('responder')
  @ApiDoc({ summary: "Plan maintenance: the service's signals open no incidents meanwhile", body: createMaintenanceSchema, response: maintenanceViewSchema })
  async createWindow(@Body(new ZodValidationPipe(createMaintenanceSchema)) body: z.output<typeof createMaintenanceSchema>, @CurrentActor() actor: Actor) {
    const window: StoredMaintenanceWindow = { id: `mw-${randomUUID()}`, service: body.service, startsAtMs: body.startsAt ? Date.parse(body.startsAt) : Date.now(), endsAtMs: Date.parse(body.endsAt), createdBy: actor.name, reason: body.reason };
    await this.write(actor, 'maintenance.create', window.id, null, window, (repo) => repo.addMaintenanceWindow(window));
    return windowView(window, Date.now());
  }

  @Delete('maintenance-windows/:id')
  @HttpCode(204)
  @RequireRole('responder')
  @ApiDoc({ summary: 'End a maintenance window now', params: ruleIdSchema })
  async endWindow(@Param(new ZodValidationPipe(ruleIdSchema)) { id }: { id: string }, @CurrentActor() actor: Actor) {
    const before = (await new NoiseRuleRepository(this.db).maintenanceWindows()).find((w) => w.id === id);
    if (!before) throw new NotFoundException({ error: 'not_found', message: `no maintenance window ${id}` });
    const now = Date.now();
    await this.write(actor, 'maintenance.end', id, before, { ...before, endsAtMs: Math.min(before.endsAtMs, now) }, (repo) => repo.endMaintenanceWindow(id, now));
  }

  @Get('suppressed-signals')
  @ApiDoc({ summary: 'Signals kept out of incidents by a silence or maintenance window, newest first', query: suppressedQuerySchema })
  async suppressed(@Query(new ZodValidationPipe(suppressedQuerySchema)) query: z.output<typeof suppressedQuerySchema>) {
    const page = await paged(() => new SuppressedSignalRepository(this.db).list(query));
    return { items: page.items.map((s) => ({ ...s, at: iso(s.atMs) })), nextCursor: page.nextCursor };
  }

  private async write(actor: Actor, action: string, id: string, before: unknown, after: unknown, change: (repo: NoiseRuleRepository) => Promise<unknown>): Promise<void> {
    await this.db.transaction(async (tx) => {
      // Serialized with correlation: a batch sees the rule either entirely or not at all.
      await new IncidentRepository(tx).lockState();
      await change(new NoiseRuleRepository(tx));
      await new AuditLogRepository(tx).record({ actor: actor.name, actorRole: actor.role, action, targetType: action.split('.')[0] as string, targetId: id, before, after });
    });
  }
}
