import { valueChunks } from './bulk-values';
import type { Queryable } from './database';
import { stripNul, toJsonb } from './json-safe';

/** What one batch saw of one template: added to its row. */
export interface TemplateTouch {
  service: string;
  templateId: number;
  template: string;
  count: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /** Up to a few redacted example lines; kept until the row holds `MAX_EXAMPLES`. */
  examples: unknown[];
  mergedInto: number | null;
}

export interface TemplateCountRow {
  service: string;
  templateId: number;
  minuteMs: number;
  severity: string;
  count: number;
}

export interface StoredTemplate {
  service: string;
  templateId: number;
  template: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  examples: unknown[];
  mergedInto: number | null;
  /** Ids merged into this one (their counts are included in `count`). */
  aliases: number[];
}

export interface TemplateQuery {
  service?: string;
  limit: number;
  includeMerged?: boolean;
  /** Rows to skip: the list is ranked by count, which moves, so pages are by position. */
  offset?: number;
}

const MAX_EXAMPLES = 5;

const sortedBy = <T>(rows: readonly T[], key: (row: T) => string): T[] => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

/** Mined templates and their per-minute counts; writes are additive, inside the detect transaction. */
export class LogTemplateRepository {
  constructor(private readonly db: Queryable) {}

  async touch(rows: readonly TemplateTouch[]): Promise<void> {
    const sorted = sortedBy(rows, (r) => `${r.service}\u0000${String(r.templateId).padStart(10, '0')}`);
    const toParams = (r: TemplateTouch) => [
      stripNul(r.service), r.templateId, stripNul(r.template), r.count, r.firstSeenMs / 1000, r.lastSeenMs / 1000, toJsonb(r.examples.slice(0, MAX_EXAMPLES)), r.mergedInto,
    ];
    for (const { values, params } of valueChunks(sorted, 8, toParams, ['', '::integer', '', '::bigint', '::double precision', '::double precision', '::jsonb', '::integer'])) {
      await this.db.query(
        `INSERT INTO log_templates AS t (service, template_id, template, count, first_seen, last_seen, examples, merged_into)
         SELECT s, id, tpl, n, to_timestamp(f), to_timestamp(l), ex, mi FROM (VALUES ${values}) AS v(s, id, tpl, n, f, l, ex, mi)
         ON CONFLICT (service, template_id) DO UPDATE SET
           template = EXCLUDED.template,
           count = t.count + EXCLUDED.count,
           first_seen = LEAST(t.first_seen, EXCLUDED.first_seen),
           last_seen = GREATEST(t.last_seen, EXCLUDED.last_seen),
           examples = CASE WHEN jsonb_array_length(t.examples) >= ${MAX_EXAMPLES} THEN t.examples
             ELSE (SELECT coalesce(jsonb_agg(e), '[]'::jsonb) FROM (SELECT e FROM jsonb_array_elements(t.examples || EXCLUDED.examples) AS e LIMIT ${MAX_EXAMPLES}) AS x) END,
           merged_into = coalesce(EXCLUDED.merged_into, t.merged_into)`,
        params,
      );
    }
  }

  async addCounts(rows: readonly TemplateCountRow[]): Promise<void> {
    const sorted = sortedBy(rows, (r) => `${r.service}\u0000${String(r.templateId).padStart(10, '0')}\u0000${r.minuteMs}\u0000${r.severity}`);
    const toParams = (r: TemplateCountRow) => [stripNul(r.service), r.templateId, r.minuteMs / 1000, r.severity, r.count];
    for (const { values, params } of valueChunks(sorted, 5, toParams, ['', '::integer', '::double precision', '', '::bigint'])) {
      await this.db.query(
        `INSERT INTO log_template_counts_1m AS t (service, template_id, minute, severity, count)
         SELECT s, id, to_timestamp(m), sev, n FROM (VALUES ${values}) AS v(s, id, m, sev, n)
         ON CONFLICT (service, template_id, minute, severity) DO UPDATE SET count = t.count + EXCLUDED.count`,
        params,
      );
    }
  }

  /** Live templates, most frequent first; a template's count includes the templates merged into it. */
  async list(query: TemplateQuery): Promise<StoredTemplate[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (query.service) {
      params.push(query.service);
      where.push(`t.service = $${params.length}`);
    }
    if (!query.includeMerged) where.push('t.merged_into IS NULL');
    params.push(query.limit);
    const { rows } = await this.db.query<{
      service: string; template_id: number; template: string; count: string; first_seen: Date; last_seen: Date; examples: unknown[]; merged_into: number | null; aliases: number[] | null; alias_count: string | null;
    }>(
      `SELECT t.service, t.template_id, t.template, t.count::text AS count, t.first_seen, t.last_seen, t.examples, t.merged_into,
              a.aliases, a.alias_count::text AS alias_count
       FROM log_templates t
       LEFT JOIN LATERAL (
         SELECT array_agg(m.template_id ORDER BY m.template_id) AS aliases, sum(m.count) AS alias_count
         FROM log_templates m WHERE m.service = t.service AND m.merged_into = t.template_id
       ) a ON true
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY t.count + coalesce(a.alias_count, 0) DESC, t.service, t.template_id
       LIMIT $${params.length} OFFSET ${Math.max(0, Math.floor(query.offset ?? 0))}`,
      params,
    );
    return rows.map((r) => ({
      service: r.service,
      templateId: r.template_id,
      template: r.template,
      count: Number(r.count) + Number(r.alias_count ?? 0),
      firstSeen: new Date(r.first_seen).toISOString(),
      lastSeen: new Date(r.last_seen).toISOString(),
      examples: typeof r.examples === 'string' ? JSON.parse(r.examples) : r.examples,
      mergedInto: r.merged_into,
      aliases: r.aliases ?? [],
    }));
  }
}
