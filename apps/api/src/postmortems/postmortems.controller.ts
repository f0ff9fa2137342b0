import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query, Res } from '@nestjs/common';
import { PostmortemRepository, type Database, type PostmortemRevision } from '@vigil/store';
import type { Response } from 'express';
import type { z } from 'zod';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { RequireRole } from '../auth/require-role.decorator';
import { incidentIdSchema } from '../incidents/incident.schemas';
import { ApiDoc } from '../openapi/api-doc.decorator';
import { DATABASE, POSTMORTEM_TEMPLATES } from '../tokens';
import { ZodValidationPipe } from '../zod-validation.pipe';
import { PostmortemWriter } from './postmortem-writer';
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
    @Inject(PostmortemWriter) private readonly writer: PostmortemWriter,
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
    const incident = await this.writer.incident(id);
    const latest = await new PostmortemRepository(this.db).latest(id);
    const shown = latest ? view(latest) : { incidentId: id, revision: 0, template: 'default', markdown: await this.writer.render(incident, 'default'), author: 'vigil', createdAt: new Date().toISOString(), draft: true };
    res.setHeader('X-Postmortem-Revision', String(shown.revision));
    if (query.format === 'json') res.json(shown);
    else res.type('text/markdown; charset=utf-8').send(shown.markdown);
  }

  @Get('api/incidents/:id/postmortem/revisions')
  @ApiDoc({ summary: 'Every revision, newest first', params: incidentIdSchema, response: postmortemRevisionsSchema })
  async revisions(@Param(idPipe) { id }: { id: string }) {
    await this.writer.incident(id);
    return { items: (await new PostmortemRepository(this.db).revisions(id)).map((r) => view(r)) };
  }

  @Post('api/incidents/:id/postmortem/generate')
  @HttpCode(201)
  @RequireRole('responder')
  @ApiDoc({ summary: 'Draft the postmortem from a template and store it as a new revision', params: incidentIdSchema, body: generatePostmortemSchema, response: postmortemViewSchema })
  async generate(@Param(idPipe) { id }: { id: string }, @Body(new ZodValidationPipe(generatePostmortemSchema)) body: z.output<typeof generatePostmortemSchema>, @CurrentActor() actor: Actor) {
    const incident = await this.writer.incident(id);
    const markdown = await this.writer.render(incident, body.template);
    return this.writer.store(id, { template: body.template, markdown, author: actor.name }, actor, 'generated');
  }

  @Put('api/incidents/:id/postmortem')
  @RequireRole('responder')
  @ApiDoc({ summary: 'Save an edited postmortem as a new revision', params: incidentIdSchema, body: editPostmortemSchema, response: postmortemViewSchema })
  async edit(@Param(idPipe) { id }: { id: string }, @Body(new ZodValidationPipe(editPostmortemSchema)) body: z.output<typeof editPostmortemSchema>, @CurrentActor() actor: Actor) {
    await this.writer.incident(id);
    return this.writer.store(id, { template: 'edited', markdown: body.markdown, author: actor.name }, actor, 'edited', body.baseRevision);
  }

}
