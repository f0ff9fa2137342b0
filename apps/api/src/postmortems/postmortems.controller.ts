import { Body, ConflictException, Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, Put, Query, Res, UnprocessableEntityException } from '@nestjs/common';
import { renderPostmortem } from '@vigil/incidents';
import { AuditLogRepository, IncidentRepository, IncidentTimelineRepository, PostmortemRepository, type Database, type PostmortemRevision, type StoredIncident } from '@vigil/store';
import type { Response } from 'express';
import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { RequireRole } from '../auth/require-role.decorator';
import { incidentIdSchema } from '../incidents/incident.schemas';
import { ApiDoc } from '../openapi/api-doc.decorator';
import { DATABASE, POSTMORTEM_TEMPLATES } from '../tokens';
import { ZodValidationPipe } from '../zod-validation.pipe';
import { postmortemInput } from './postmortem-source';
import type { PostmortemTemplates } from './postmortem-templates';
import { editPostmortemSchema, generatePostmortemSchema, postmortemQuerySchema, postmortemRevisionsSchema, postmortemViewSchema, templateListSchema } from './postmortem.schemas';

const idPipe = new ZodValidationPipe(incidentIdSchema);
type View = z.output<typeof postmortemViewSchema>;

const view = (r: PostmortemRevision, draft = false): View => ({
  incidentId: r.incidentId,
  revision: r.revision,
  template: r.template,
  markdown: r.markdown,
  author: r.author,
  createdAt: new Date(r.createdAtMs).toISOString(),
  draft,
});

/**
 * Postmortems: drafted from a template and the incident's recorded history, then edited by
 * humans; every generation and edit is a new revision (nothing is overwritten).
 */
@Controller()
export class PostmortemsController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(POSTMORTEM_TEMPLATES) private readonly templates: PostmortemTemplates,
  ) {}

  @Get('api/postmortem-templates')
  @ApiDoc({ summary: 'Postmortem templates in the configured folder, with any errors (file, line, column)', response: templateListSchema })
  listTemplates() {
    const { templates, problems } = this.templates.load();
    return { folder: this.templates.folder, templates: [...templates.keys()], problems };
  }

  @Get('api/incidents/:id/postmortem')
  @ApiDoc({
    summary: 'The latest postmortem (markdown, or JSON with format=json)',
    description: 'Before anyone generated or wrote one, a draft from the default template (revision 0, not stored).',
    params: incidentIdSchema,
    query: postmortemQuerySchema,
    response: postmortemViewSchema,
  })
  async get(@Param(idPipe) { id }: { id: string }, @Query(new ZodValidationPipe(postmortemQuerySchema)) query: z.output<typeof postmortemQuerySchema>, @Res() res: Response) {
    const incident = await this.incident(id);
    const latest = await new PostmortemRepository(this.db).latest(id);
    const shown = latest ? view(latest) : { incidentId: id, revision: 0, template: 'default', markdown: await this.render(incident, 'default'), author: 'vigil', createdAt: new Date().toISOString(), draft: true };
    res.setHeader('X-Postmortem-Revision', String(shown.revision));
    if (query.format === 'json') res.json(shown);
    else res.type('text/markdown; charset=utf-8').send(shown.markdown);
  }

  @Get('api/incidents/:id/postmortem/revisions')
  @ApiDoc({ summary: 'Every revision, newest first', params: incidentIdSchema, response: postmortemRevisionsSchema })
  async revisions(@Param(idPipe) { id }: { id: string }) {
    await this.incident(id);
    return { items: (await new PostmortemRepository(this.db).revisions(id)).map((r) => view(r)) };
  }

  @Post('api/incidents/:id/postmortem/generate')
  @HttpCode(201)
  @RequireRole('responder')
  @ApiDoc({ summary: 'Draft the postmortem from a template and store it as a new revision', params: incidentIdSchema, body: generatePostmortemSchema, response: postmortemViewSchema })
  async generate(@Param(idPipe) { id }: { id: string }, @Body(new ZodValidationPipe(generatePostmortemSchema)) body: z.output<typeof generatePostmortemSchema>, @CurrentActor() actor: Actor) {
    const incident = await this.incident(id);
    const markdown = await this.render(incident, body.template);
    return this.store(id, { template: body.template, markdown, author: actor.name }, actor, 'generated');
  }

  @Put('api/incidents/:id/postmortem')
  @RequireRole('responder')
  @ApiDoc({ summary: 'Save an edited postmortem as a new revision', params: incidentIdSchema, body: editPostmortemSchema, response: postmortemViewSchema })
  async edit(@Param(idPipe) { id }: { id: string }, @Body(new ZodValidationPipe(editPostmortemSchema)) body: z.output<typeof editPostmortemSchema>, @CurrentActor() actor: Actor) {
    await this.incident(id);
    return this.store(id, { template: 'edited', markdown: body.markdown, author: actor.name }, actor, 'edited', body.baseRevision);
  }

  private async store(id: string, revision: { template: string; markdown: string; author: string }, actor: Actor, how: string, baseRevision?: number): Promise<View> {
    return this.db.transaction(async (tx) => {
      // Revisions of one incident are numbered under its row lock: two editors never collide.
      await new IncidentRepository(tx).getForUpdate(id);
      const repo = new PostmortemRepository(tx);
      const latest = await repo.latest(id);
      if (baseRevision !== undefined && (latest?.revision ?? 0) !== baseRevision) {
        throw new ConflictException({ error: 'stale_revision', message: `revision ${latest?.revision ?? 0} was saved after ${baseRevision}; reload and merge`, latestRevision: latest?.revision ?? 0 });
      }
      const number = await repo.add(id, revision);
      const now = Date.now();
      await new IncidentTimelineRepository(tx).add([{ incidentId: id, atMs: now, actor: actor.name, type: 'postmortem', text: `Postmortem revision ${number} ${how} by ${actor.name}`, data: { revision: number } }]);
      await new AuditLogRepository(tx).record({
        actor: actor.name,
        actorRole: actor.role,
        action: `postmortem.${how}`,
        targetType: 'incident',
        targetId: id,
        before: latest ? { revision: latest.revision } : null,
        after: { revision: number, template: revision.template },
      });
      return view({ incidentId: id, revision: number, template: revision.template, markdown: revision.markdown, author: revision.author, createdAtMs: now });
    });
  }

  private async render(incident: StoredIncident, templateName: string): Promise<string> {
    const { templates, problems } = this.templates.load();
    const template = templates.get(templateName);
    if (!template) {
      const problem = problems.find((p) => p.template === templateName);
      throw new UnprocessableEntityException({
        error: problem ? 'invalid_template' : 'unknown_template',
        message: problem ? problem.message : `no postmortem template "${templateName}" in ${this.templates.folder} (have: ${[...templates.keys()].join(', ') || 'none'})`,
      });
    }
    return renderPostmortem(template, await postmortemInput(this.db, incident, Date.now()));
  }

  private async incident(id: string): Promise<StoredIncident> {
    const incident = await new IncidentRepository(this.db).get(id);
    if (!incident) throw new NotFoundException({ error: 'not_found', message: `no incident ${id}` });
    return incident;
  }
}
