import type { NormalizedSpan } from '@vigil/contracts';
import { valueChunks } from './bulk-values';
import type { Queryable } from './database';
import { stripNul, toJsonb } from './json-safe';

export interface SpanSampleToStore {
  source: string;
  span: NormalizedSpan;
}

export interface StoredSpanSample {
  traceId: string;
  spanId: string;
  service: string;
  operation: string;
  kind: string;
  parentSpanId: string | null;
  startTime: string;
  durationMs: number;
  statusCode: string;
  statusMessage: string;
  attributes: NormalizedSpan['attributes'];
}

/** Example spans kept as evidence; a span stored twice (redelivery) lands once. */
export class SpanSampleRepository {
  constructor(private readonly db: Queryable) {}

  async insertMany(items: readonly SpanSampleToStore[]): Promise<number> {
    let inserted = 0;
    const toParams = ({ source, span: s }: SpanSampleToStore) => [
      s.traceId, s.spanId, stripNul(s.service), stripNul(s.name), s.kind, s.parentSpanId,
      Number(BigInt(s.startTimeUnixNano) / 1_000_000n), s.durationNs / 1e6, s.status.code, stripNul(s.status.message),
      toJsonb(s.attributes), toJsonb(s.resource), source,
    ];
    const casts = ['', '', '', '', '', '', '::double precision', '::double precision', '', '', '::jsonb', '::jsonb', ''];
    for (const { values, params } of valueChunks(items, 13, toParams, casts)) {
      const result = await this.db.query(
        `INSERT INTO span_samples (trace_id, span_id, service, operation, kind, parent_span_id, start_time, duration_ms,
           status_code, status_message, attributes, resource, source)
         SELECT t, s, sv, o, k, p, to_timestamp(st / 1000.0), d, sc, sm, a, r, src
         FROM (VALUES ${values}) AS v(t, s, sv, o, k, p, st, d, sc, sm, a, r, src)
         ON CONFLICT (trace_id, span_id) DO NOTHING`,
        params,
      );
      inserted += result.rowCount;
    }
    return inserted;
  }

  async list(query: { service?: string; traceId?: string; limit?: number } = {}): Promise<StoredSpanSample[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.service) where.push(`service = $${params.push(query.service)}`);
    if (query.traceId) where.push(`trace_id = $${params.push(query.traceId)}`);
    const limit = `$${params.push(Math.min(Math.max(query.limit ?? 100, 1), 1000))}`;
    const { rows } = await this.db.query<Record<string, unknown>>(
      `SELECT * FROM span_samples ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY start_time DESC LIMIT ${limit}`,
      params,
    );
    return rows.map((r) => ({
      traceId: String(r['trace_id']),
      spanId: String(r['span_id']),
      service: String(r['service']),
      operation: String(r['operation']),
      kind: String(r['kind']),
      parentSpanId: (r['parent_span_id'] as string | null) ?? null,
      startTime: new Date(r['start_time'] as string).toISOString(),
      durationMs: Number(r['duration_ms']),
      statusCode: String(r['status_code']),
      statusMessage: String(r['status_message']),
      attributes: r['attributes'] as NormalizedSpan['attributes'],
    }));
  }
}
