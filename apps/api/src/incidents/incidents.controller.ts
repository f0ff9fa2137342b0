import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { incidentSignature, similarIncidents, type IncidentTransition } from '@vigil/incidents';
import { IncidentRepository, IncidentTimelineRepository, type Database } from '@vigil/store';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { RequireRole } from '../auth/require-role.decorator';
import { ApiDoc } from '../openapi/api-doc.decorator';
import { DATABASE } from '../tokens';
import { ZodValidationPipe } from '../zod-validation.pipe';
import { paged } from './cursor-errors';
import { IncidentCommands } from './incident-commands';
import { incidentView, signalView, timelineEntryView } from './incident-view';
import {
  commanderBodySchema,
  declareIncidentSchema,
  incidentDetailSchema,
  incidentIdSchema,
  incidentListQuerySchema,
  incidentListSchema,
  incidentViewSchema,
  noteBodySchema,
  severityBodySchema,
  similarViewSchema,
  timelineQuerySchema,
  timelineViewSchema,
  transitionBodySchema,
  type DeclareIncident,
  type IncidentListQuery,
  type TransitionBody,
} from './incident.schemas';
import type { z } from 'zod';

const idPipe = new ZodValidationPipe(incidentIdSchema);

@Controller('api/incidents')
export class IncidentsController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(IncidentCommands) private readonly commands: IncidentCommands,
  ) {}

  @Get()
  @ApiDoc({ summary: 'List incidents, newest first', description: 'Filter by status (or `open` for anything not resolved), severity and service; cursor-paginated.', query: incidentListQuerySchema, response: incidentListSchema })
  async list(@Query(new ZodValidationPipe(incidentListQuerySchema)) query: IncidentListQuery) {
    const page = await paged(() => new IncidentRepository(this.db).list(query));
    return { items: page.items.map(incidentView), nextCursor: page.nextCursor };
  }

  @Post()
  @RequireRole('responder')
  @ApiDoc({ summary: 'Declare an incident by hand', body: declareIncidentSchema, response: incidentViewSchema })
  async declare(@Body(new ZodValidationPipe(declareIncidentSchema)) body: DeclareIncident, @CurrentActor() actor: Actor) {
    return incidentView(await this.commands.declare(body, actor));
  }

  @Get(':id')
  @ApiDoc({ summary: 'One incident with its signals', params: incidentIdSchema, response: incidentDetailSchema })
  async get(@Param(idPipe) { id }: { id: string }) {
    const repo = new IncidentRepository(this.db);
    const incident = await repo.get(id);
    if (!incident) throw new NotFoundException({ error: 'not_found', message: `no incident ${id}` });
    return { ...incidentView(incident), signals: (await repo.signals(id)).map(signalView) };
  }

  @Get(':id/timeline')
  @ApiDoc({ summary: 'Every change to an incident, oldest first', params: incidentIdSchema, query: timelineQuerySchema, response: timelineViewSchema })
  async timeline(@Param(idPipe) { id }: { id: string }, @Query(new ZodValidationPipe(timelineQuerySchema)) query: z.output<typeof timelineQuerySchema>) {
    await this.mustExist(id);
    const page = await paged(() => new IncidentTimelineRepository(this.db).list(id, query));
    return { items: page.items.map(timelineEntryView), nextCursor: page.nextCursor };
  }

  @Get(':id/similar')
  @ApiDoc({ summary: 'Resolved incidents that looked like this one, and how they were fixed', params: incidentIdSchema, response: similarViewSchema })
  async similar(@Param(idPipe) { id }: { id: string }) {
    const repo = new IncidentRepository(this.db);
    const incident = await repo.get(id);
    if (!incident) throw new NotFoundException({ error: 'not_found', message: `no incident ${id}` });
    const signature = incident.signature.length > 0 ? incident.signature : incidentSignature(await repo.signals(id));
    const past = (await repo.resolvedHistory(500)).filter((p) => p.id !== id);
    const found = similarIncidents(
      signature,
      past.map((p) => ({ id: p.id, number: p.number, title: p.title, signature: p.signature, resolvedAtMs: p.resolvedAtMs, resolution: p.resolution, fixedBy: [] })),
    );
    return { items: found.map((f) => ({ id: f.id, number: f.number, title: f.title, similarity: f.similarity, resolvedAt: f.resolvedAtMs === null ? null : new Date(f.resolvedAtMs).toISOString(), resolution: f.resolution, fixedBy: [...f.fixedBy] })) };
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @RequireRole('responder')
  @ApiDoc({ summary: 'Acknowledge: someone is on it', params: incidentIdSchema, body: transitionBodySchema, response: incidentViewSchema })
  acknowledge(@Param(idPipe) { id }: { id: string }, @Body(new ZodValidationPipe(transitionBodySchema)) body: TransitionBody, @CurrentActor() actor: Actor) {
    return this.transition(id, 'acknowledge', actor, body);
  }

  @Post(':id/mitigate')
  @HttpCode(200)
  @RequireRole('responder')
  @ApiDoc({ summary: 'Mitigated: customers are no longer affected', params: incidentIdSchema, body: transitionBodySchema, response: incidentViewSchema })
  mitigate(@Param(idPipe) { id }: { id: string }, @Body(new ZodValidationPipe(transitionBodySchema)) body: TransitionBody, @CurrentActor() actor: Actor) {
    return this.transition(id, 'mitigate', actor, body);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @RequireRole('responder')
  @ApiDoc({ summary: 'Resolve; the note becomes the resolution', params: incidentIdSchema, body: transitionBodySchema, response: incidentViewSchema })
  resolve(@Param(idPipe) { id }: { id: string }, @Body(new ZodValidationPipe(transitionBodySchema)) body: TransitionBody, @CurrentActor() actor: Actor) {
    return this.transition(id, 'resolve', actor, body);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @RequireRole('responder')
  @ApiDoc({ summary: 'Reopen a resolved incident', params: incidentIdSchema, body: transitionBodySchema, response: incidentViewSchema })
  reopen(@Param(idPipe) { id }: { id: string }, @Body(new ZodValidationPipe(transitionBodySchema)) body: TransitionBody, @CurrentActor() actor: Actor) {
    return this.transition(id, 'reopen', actor, body);
  }

  @Post(':id/notes')
  @RequireRole('responder')
  @ApiDoc({ summary: 'Add a note to the timeline', params: incidentIdSchema, body: noteBodySchema, response: incidentViewSchema })
  async note(@Param(idPipe) { id }: { id: string }, @Body(new ZodValidationPipe(noteBodySchema)) body: z.output<typeof noteBodySchema>, @CurrentActor() actor: Actor) {
    return incidentView(await this.commands.addNote(id, body.text, actor));
  }

  @Post(':id/severity')
  @HttpCode(200)
  @RequireRole('responder')
  @ApiDoc({ summary: 'Change severity (the responder stops deriving it)', params: incidentIdSchema, body: severityBodySchema, response: incidentViewSchema })
  async severity(@Param(idPipe) { id }: { id: string }, @Body(new ZodValidationPipe(severityBodySchema)) body: z.output<typeof severityBodySchema>, @CurrentActor() actor: Actor) {
    return incidentView(await this.commands.setSeverity(id, body.severity, actor, body.reason));
  }

  @Post(':id/commander')
  @HttpCode(200)
  @RequireRole('responder')
  @ApiDoc({ summary: 'Name the incident commander', params: incidentIdSchema, body: commanderBodySchema, response: incidentViewSchema })
  async commander(@Param(idPipe) { id }: { id: string }, @Body(new ZodValidationPipe(commanderBodySchema)) body: z.output<typeof commanderBodySchema>, @CurrentActor() actor: Actor) {
    return incidentView(await this.commands.setCommander(id, body.commander, actor));
  }

  private async transition(id: string, transition: IncidentTransition, actor: Actor, body: TransitionBody) {
    return incidentView(await this.commands.transition(id, transition, actor, body.note));
  }

  private async mustExist(id: string): Promise<void> {
    if (!(await new IncidentRepository(this.db).get(id))) throw new NotFoundException({ error: 'not_found', message: `no incident ${id}` });
  }
}
