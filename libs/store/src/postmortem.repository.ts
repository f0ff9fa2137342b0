import type { Queryable } from './database';
import { msOf } from './incident-rows';
import { stripNul } from './json-safe';

export interface PostmortemRevision {
  incidentId: string;
  revision: number;
  template: string;
  markdown: string;
  author: string;
  createdAtMs: number;
}

/** Postmortems, every edit a new revision (nothing is overwritten). */
export class PostmortemRepository {
  constructor(private readonly db: Queryable) {}

  async latest(incidentId: string): Promise<PostmortemRevision | null> {
    return (await this.revisions(incidentId, 1))[0] ?? null;
  }

  /** Newest first. */
  async revisions(incidentId: string, limit = 100): Promise<PostmortemRevision[]> {
    const { rows } = await this.db.query<{ incident_id: string; revision: number; template: string; markdown: string; author: string; created_at_ms: number }>(
      `SELECT incident_id, revision, template, markdown, author, ${msOf('created_at')} FROM postmortems WHERE incident_id = $1 ORDER BY revision DESC LIMIT $2`,
      [incidentId, limit],
    );
    return rows.map((r) => ({ incidentId: r.incident_id, revision: Number(r.revision), template: r.template, markdown: r.markdown, author: r.author, createdAtMs: r.created_at_ms }));
  }

  /** Appends a revision (numbered after the latest) and returns its number. */
  async add(incidentId: string, revision: { template: string; markdown: string; author: string }): Promise<number> {
    const { rows } = await this.db.query<{ revision: number }>(
      `INSERT INTO postmortems (incident_id, revision, template, markdown, author)
       SELECT $1, coalesce(max(revision), 0) + 1, $2, $3, $4 FROM postmortems WHERE incident_id = $1 RETURNING revision`,
      [incidentId, revision.template, stripNul(revision.markdown), stripNul(revision.author)],
    );
    return Number(rows[0]?.revision);
  }
}
