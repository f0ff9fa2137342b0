import type { NormalizedLogRecord } from '@vigil/contracts';
import type { Queryable } from './database';
import { stripNul, toJsonb } from './json-safe';

export interface LogRecordToStore {
  /** Idempotency key: the same record written twice is stored once. */
  recordKey: string;
  /** Where it came from, e.g. `otlp_logs/2@1234`. */
  source: string;
  record: NormalizedLogRecord;
}

export interface StoredLogRecord extends NormalizedLogRecord {
  id: string;
  recordKey: string;
  source: string;
  time: string;
}

export interface LogRecordQuery {
  service?: string;
  traceId?: string;
  limit?: number;
  /** Return records with id below this (paging backwards in time of ingestion). */
  beforeId?: string;
}

interface LogRecordRow {
  id: string;
  record_key: string;
  service: string;
  time: Date;
  time_unix_nano: string;
  observed_time_unix_nano: string;
  severity_number: number;
  severity_text: string;
  body: NormalizedLogRecord['body'];
  attributes: NormalizedLogRecord['attributes'];
  resource: NormalizedLogRecord['resource'];
  scope_name: string;
  scope_version: string;
  trace_id: string | null;
  span_id: string | null;
  flags: number;
  source: string;
  event_name: string;
}

const COLUMNS = 18;

function nanosToIso(nanos: string): Date {
  return new Date(Number(BigInt(nanos) / 1_000_000n));
}

function fromRow(row: LogRecordRow): StoredLogRecord {
  return {
    id: String(row.id),
    recordKey: row.record_key,
    source: row.source,
    time: new Date(row.time).toISOString(),
    service: row.service,
    resource: row.resource,
    scope: { name: row.scope_name, version: row.scope_version },
    timeUnixNano: String(row.time_unix_nano),
    observedTimeUnixNano: String(row.observed_time_unix_nano),
    severityNumber: row.severity_number,
    severityText: row.severity_text,
    body: row.body,
    attributes: row.attributes,
    traceId: row.trace_id,
    spanId: row.span_id,
    flags: row.flags,
    eventName: row.event_name,
  };
}

export class LogRecordRepository {
  constructor(private readonly db: Queryable) {}

  /** Inserts what is new and ignores what is already stored; returns how many were new. */
  async insertMany(items: readonly LogRecordToStore[]): Promise<number> {
    if (items.length === 0) return 0;
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (const { recordKey, source, record: r } of items) {
      const base = params.length;
      params.push(
        recordKey,
        stripNul(r.service),
        nanosToIso(r.timeUnixNano),
        r.timeUnixNano,
        r.observedTimeUnixNano,
        r.severityNumber,
        stripNul(r.severityText),
        toJsonb(r.body),
        toJsonb(r.attributes),
        toJsonb(r.resource),
        stripNul(r.scope.name),
        stripNul(r.scope.version),
        r.traceId,
        r.spanId,
        r.flags,
        source,
        stripNul(r.eventName),
      );
      const placeholders = Array.from({ length: COLUMNS - 1 }, (_, i) => `$${base + i + 1}`);
      tuples.push(`(${placeholders.join(', ')})`);
    }
    const result = await this.db.query(
      `INSERT INTO log_records (record_key, service, time, time_unix_nano, observed_time_unix_nano, severity_number,
         severity_text, body, attributes, resource, scope_name, scope_version, trace_id, span_id, flags, source, event_name)
       VALUES ${tuples.join(', ')}
       ON CONFLICT (record_key) DO NOTHING`,
      params,
    );
    return result.rowCount;
  }

  async list(query: LogRecordQuery = {}): Promise<StoredLogRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.service) {
      params.push(query.service);
      where.push(`service = $${params.length}`);
    }
    if (query.traceId) {
      params.push(query.traceId);
      where.push(`trace_id = $${params.length}`);
    }
    if (query.beforeId) {
      params.push(query.beforeId);
      where.push(`id < $${params.length}`);
    }
    params.push(Math.min(Math.max(query.limit ?? 100, 1), 1000));
    const { rows } = await this.db.query<LogRecordRow>(
      `SELECT * FROM log_records ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(fromRow);
  }

  async count(): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>('SELECT count(*)::text AS n FROM log_records');
    return Number(rows[0]?.n ?? 0);
  }
}
