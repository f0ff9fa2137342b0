import { ConflictException, Inject, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { renderPostmortem } from '@vigil/incidents';
import { AuditLogRepository, IncidentRepository, IncidentTimelineRepository, PostmortemRepository, type Database, type PostmortemRevision, type StoredIncident } from '@vigil/store';
import type { Actor } from '../auth/actor';
import { DATABASE, POSTMORTEM_TEMPLATES } from '../tokens';
import { postmortemInput } from './postmortem-source';
import type { PostmortemTemplates } from './postmortem-templates';

export interface PostmortemView {
  incidentId: string;
  revision: number;
  template: string;
  markdown: string;
  author: string;
  createdAt: string;
  draft: boolean;
}

export const postmortemView = (r: PostmortemRevision, draft = false): PostmortemView => ({
  incidentId: r.incidentId,
  revision: r.revision,
  template: r.template,
  markdown: r.markdown,
  author: r.author,
  createdAt: new Date(r.createdAtMs).toISOString(),
  draft,
});

/** Drafts postmortems from templates and stores revisions (REST and Slack share it). */
@Injectable()
export class PostmortemWriter {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(POSTMORTEM_TEMPLATES) private readonly templates: PostmortemTemplates,
  ) {}

  async store(id: string, revision: { template: string; markdown: string; author: string }, actor: Actor, how: string, baseRevision?: number): Promise<PostmortemView> {
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
      return postmortemView({ incidentId: id, revision: number, template: revision.template, markdown: revision.markdown, author: revision.author, createdAtMs: now });
    });
  }

  async render(incident: StoredIncident, templateName: string): Promise<string> {
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

  async incident(id: string): Promise<StoredIncident> {
    const incident = await new IncidentRepository(this.db).get(id);
    if (!incident) throw new NotFoundException({ error: 'not_found', message: `no incident ${id}` });
    return incident;
  }
}
