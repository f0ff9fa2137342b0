import { valueChunks } from './bulk-values';
import type { Queryable } from './database';
import { decodeCursor, encodeCursor, msOf, tsParam } from './incident-rows';
import { stripNul, toJsonb } from './json-safe';

export type StoredIncidentStatus = 'triggered' | 'acknowledged' | 'mitigated' | 'resolved';
export type StoredSeverity = 'sev1' | 'sev2' | 'sev3' | 'sev4';

export interface StoredRootCauseHint {
  service: string;
  signal: string;
  score: number;
  evidence: unknown;
}

export interface StoredIncident {
  id: string;
  number: number;
  title: string;
  status: StoredIncidentStatus;
  severity: StoredSeverity;
  severitySource: 'auto' | 'human';
  severityReason: string;
  customerFacing: boolean;
  services: string[];
  declared: boolean;
  declaredBy: string | null;
  commander: string | null;
  startedAtMs: number;
  openedAtMs: number;
  detectedAtMs: number;
  acknowledgedAtMs: number | null;
  mitigatedAtMs: number | null;
  resolvedAtMs: number | null;
  resolvedBy: string | null;
  resolution: string | null;
  lastActivityMs: number;
  mergedInto: string | null;
  suppressedBy: string | null;
  signature: string[];
  rootCauseHints: StoredRootCauseHint[];
}

export interface StoredIncidentSignal {
  incidentId: string;
  fingerprint: string;
  service: string;
  kind: string;
  signal: string;
  firstAtMs: number;
  lastAtMs: number;
  events: number;
  peakScore: number;
  peakObserved: number | null;
  recoveredAtMs: number | null;
  firstEvent: unknown;
}

export interface ResponderState {
  version: number;
  watermarkMs: number;
  nextNumber: number;
}

export interface IncidentQuery {
  status?: StoredIncidentStatus | 'open';
  severity?: StoredSeverity;
  service?: string;
  /** Merged incidents are hidden unless asked for. */
  includeMerged?: boolean;
  cursor?: string;
  limit: number;
}

const COLUMNS = `id, number, title, status, severity, severity_source, severity_reason, customer_facing, services, declared, declared_by, commander,
  ${msOf('started_at')}, ${msOf('opened_at')}, ${msOf('detected_at')}, ${msOf('acknowledged_at')}, ${msOf('mitigated_at')}, ${msOf('resolved_at')},
  resolved_by, resolution, ${msOf('last_activity_at')}, merged_into, suppressed_by, signature, root_cause_hints`;

interface IncidentRow {
  id: string; number: number; title: string; status: StoredIncidentStatus; severity: StoredSeverity; severity_source: 'auto' | 'human'; severity_reason: string;
  customer_facing: boolean; services: string[]; declared: boolean; declared_by: string | null; commander: string | null;
  started_at_ms: number; opened_at_ms: number; detected_at_ms: number; acknowledged_at_ms: number | null; mitigated_at_ms: number | null; resolved_at_ms: number | null;
  resolved_by: string | null; resolution: string | null; last_activity_at_ms: number; merged_into: string | null; suppressed_by: string | null; signature: string[]; root_cause_hints: StoredRootCauseHint[] | string;
}

const fromRow = (r: IncidentRow): StoredIncident => ({
  id: r.id,
  number: Number(r.number),
  title: r.title,
  status: r.status,
  severity: r.severity,
  severitySource: r.severity_source,
  severityReason: r.severity_reason,
  customerFacing: r.customer_facing,
  services: r.services,
  declared: r.declared,
  declaredBy: r.declared_by,
  commander: r.commander,
  startedAtMs: r.started_at_ms,
  openedAtMs: r.opened_at_ms,
  detectedAtMs: r.detected_at_ms,
  acknowledgedAtMs: r.acknowledged_at_ms,
  mitigatedAtMs: r.mitigated_at_ms,
  resolvedAtMs: r.resolved_at_ms,
  resolvedBy: r.resolved_by,
  resolution: r.resolution,
  lastActivityMs: r.last_activity_at_ms,
  mergedInto: r.merged_into,
  suppressedBy: r.suppressed_by,
  signature: r.signature,
  rootCauseHints: typeof r.root_cause_hints === 'string' ? (JSON.parse(r.root_cause_hints) as StoredRootCauseHint[]) : r.root_cause_hints,
});

interface SignalRow {
  incident_id: string; fingerprint: string; service: string; kind: string; signal: string; first_at_ms: number; last_at_ms: number; events: number;
  peak_score: number; peak_observed: number | null; recovered_at_ms: number | null; first_event: unknown;
}

const SIGNAL_COLUMNS = `incident_id, fingerprint, service, kind, signal, ${msOf('first_at')}, ${msOf('last_at')}, events, peak_score, peak_observed, ${msOf('recovered_at')}, first_event`;

const signalFromRow = (r: SignalRow): StoredIncidentSignal => ({
  incidentId: r.incident_id,
  fingerprint: r.fingerprint,
  service: r.service,
  kind: r.kind,
  signal: r.signal,
  firstAtMs: r.first_at_ms,
  lastAtMs: r.last_at_ms,
  events: Number(r.events),
  peakScore: r.peak_score,
  peakObserved: r.peak_observed,
  recoveredAtMs: r.recovered_at_ms,
  firstEvent: typeof r.first_event === 'string' ? JSON.parse(r.first_event) : r.first_event,
});

/**
 * Incidents and their signals. Every write happens with the responder state row locked (see
 * `lockState`), by the responder or by the API, so writers are serialized across processes.
 */
export class IncidentRepository {
  constructor(private readonly db: Queryable) {}

  /** Locks the shared responder row for the rest of the transaction. */
  async lockState(): Promise<ResponderState> {
    const { rows } = await this.db.query<{ version: string; watermark_ms: string; next_number: number }>(
      'SELECT version::text AS version, watermark_ms::text AS watermark_ms, next_number FROM responder_state WHERE id = 1 FOR UPDATE',
    );
    const r = rows[0];
    if (!r) throw new Error('responder_state row is missing; run the migrations');
    return { version: Number(r.version), watermarkMs: Number(r.watermark_ms), nextNumber: Number(r.next_number) };
  }

  async saveState(state: ResponderState): Promise<void> {
    await this.db.query('UPDATE responder_state SET version = $1, watermark_ms = $2, next_number = $3 WHERE id = 1', [state.version, state.watermarkMs, state.nextNumber]);
  }

  /**
   * The incidents correlation can still change: not merged, and open or resolved within the
   * cool-down before the watermark (a returning signal reopens those).
   */
  async correlatable(watermarkMs: number, cooldownMs: number): Promise<{ incidents: StoredIncident[]; signals: StoredIncidentSignal[] }> {
    const { rows } = await this.db.query<IncidentRow>(
      `SELECT ${COLUMNS} FROM incidents WHERE merged_into IS NULL AND (status <> 'resolved' OR resolved_at >= ${tsParam(1)}) ORDER BY opened_at, id`,
      [watermarkMs - cooldownMs],
    );
    const incidents = rows.map(fromRow);
    if (incidents.length === 0) return { incidents, signals: [] };
    const signals = await this.db.query<SignalRow>(`SELECT ${SIGNAL_COLUMNS} FROM incident_signals WHERE incident_id = ANY($1::text[])`, [incidents.map((i) => i.id)]);
    return { incidents, signals: signals.rows.map(signalFromRow) };
  }

  async get(id: string): Promise<StoredIncident | null> {
    const { rows } = await this.db.query<IncidentRow>(`SELECT ${COLUMNS} FROM incidents WHERE id = $1`, [id]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async getByNumber(number: number): Promise<StoredIncident | null> {
    const { rows } = await this.db.query<IncidentRow>(`SELECT ${COLUMNS} FROM incidents WHERE number = $1`, [number]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  /** Locks one incident row for an update by a human (after `lockState`). */
  async getForUpdate(id: string): Promise<StoredIncident | null> {
    const { rows } = await this.db.query<IncidentRow>(`SELECT ${COLUMNS} FROM incidents WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async signals(incidentId: string): Promise<StoredIncidentSignal[]> {
    const { rows } = await this.db.query<SignalRow>(`SELECT ${SIGNAL_COLUMNS} FROM incident_signals WHERE incident_id = $1 ORDER BY first_at, fingerprint`, [incidentId]);
    return rows.map(signalFromRow);
  }

  /** Newest first, keyset-paginated on (opened_at, id). */
  async list(query: IncidentQuery): Promise<{ items: StoredIncident[]; nextCursor: string | null }> {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: (n: number) => string, value: unknown): void => {
      params.push(value);
      where.push(sql(params.length));
    };
    if (!query.includeMerged) where.push('merged_into IS NULL');
    if (query.status === 'open') where.push(`status <> 'resolved'`);
    else if (query.status) add((n) => `status = $${n}`, query.status);
    if (query.severity) add((n) => `severity = $${n}`, query.severity);
    if (query.service) add((n) => `$${n} = ANY(services)`, query.service);
    const after = decodeCursor(query.cursor, 2);
    if (after) {
      params.push(after[0], after[1]);
      where.push(`(opened_at, id) < (${tsParam(params.length - 1)}, $${params.length})`);
    }
    params.push(query.limit + 1);
    const { rows } = await this.db.query<IncidentRow>(
      `SELECT ${COLUMNS} FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY opened_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, query.limit).map(fromRow);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > query.limit && last ? encodeCursor([last.openedAtMs, last.id]) : null };
  }

  async insert(i: StoredIncident): Promise<void> {
    await this.db.query(
      `INSERT INTO incidents (id, number, title, status, severity, severity_source, severity_reason, customer_facing, services, declared, declared_by, commander,
         started_at, opened_at, detected_at, last_activity_at, signature, root_cause_hints)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text[], $10, $11, $12, ${tsParam(13)}, ${tsParam(14)}, ${tsParam(15)}, ${tsParam(16)}, $17::text[], $18::jsonb)`,
      [
        i.id, i.number, stripNul(i.title), i.status, i.severity, i.severitySource, i.severityReason, i.customerFacing, i.services, i.declared, i.declaredBy, i.commander,
        i.startedAtMs, i.openedAtMs, i.detectedAtMs, i.lastActivityMs, i.signature, toJsonb(i.rootCauseHints),
      ],
    );
  }

  /** Writes every field a correlation or a human may change. */
  async update(i: StoredIncident): Promise<void> {
    await this.db.query(
      `UPDATE incidents SET title = $2, status = $3, severity = $4, severity_source = $5, severity_reason = $6, customer_facing = $7, services = $8::text[],
         commander = $9, started_at = ${tsParam(10)}, opened_at = ${tsParam(11)},
         acknowledged_at = CASE WHEN $12::float8 IS NULL THEN NULL ELSE ${tsParam(12)} END,
         mitigated_at = CASE WHEN $13::float8 IS NULL THEN NULL ELSE ${tsParam(13)} END,
         resolved_at = CASE WHEN $14::float8 IS NULL THEN NULL ELSE ${tsParam(14)} END,
         resolved_by = $15, resolution = $16, last_activity_at = ${tsParam(17)}, merged_into = $18, suppressed_by = $19, signature = $20::text[],
         root_cause_hints = $21::jsonb, updated_at = now()
       WHERE id = $1`,
      [
        i.id, stripNul(i.title), i.status, i.severity, i.severitySource, i.severityReason, i.customerFacing, i.services, i.commander, i.startedAtMs, i.openedAtMs,
        i.acknowledgedAtMs, i.mitigatedAtMs, i.resolvedAtMs, i.resolvedBy, i.resolution, i.lastActivityMs, i.mergedInto, i.suppressedBy, i.signature, toJsonb(i.rootCauseHints),
      ],
    );
  }

  async upsertSignals(signals: readonly StoredIncidentSignal[]): Promise<void> {
    const toParams = (s: StoredIncidentSignal) => [
      s.incidentId, stripNul(s.fingerprint), stripNul(s.service), s.kind, stripNul(s.signal), s.firstAtMs, s.lastAtMs, s.events, s.peakScore, s.peakObserved, s.recoveredAtMs, toJsonb(s.firstEvent),
    ];
    // One statement per chunk; the last write of a fingerprint in the list wins.
    const latest = [...new Map(signals.map((s) => [`${s.incidentId}\u0000${s.fingerprint}`, s])).values()];
    for (const { values, params } of valueChunks(latest, 12, toParams, ['', '', '', '', '', '::float8', '::float8', '::int', '::float8', '::float8', '::float8', '::jsonb'])) {
      await this.db.query(
        `INSERT INTO incident_signals (incident_id, fingerprint, service, kind, signal, first_at, last_at, events, peak_score, peak_observed, recovered_at, first_event)
         SELECT i, f, sv, k, sg, to_timestamp(fa / 1000), to_timestamp(la / 1000), ev, ps, po, CASE WHEN ra IS NULL THEN NULL ELSE to_timestamp(ra / 1000) END, fe
         FROM (VALUES ${values}) AS v(i, f, sv, k, sg, fa, la, ev, ps, po, ra, fe)
         ON CONFLICT (incident_id, fingerprint) DO UPDATE SET first_at = EXCLUDED.first_at, last_at = EXCLUDED.last_at, events = EXCLUDED.events,
           peak_score = EXCLUDED.peak_score, peak_observed = EXCLUDED.peak_observed, recovered_at = EXCLUDED.recovered_at`,
        params,
      );
    }
  }

  /** A merged incident's signals now live in the surviving incident (written with its own). */
  async dropSignals(incidentId: string): Promise<void> {
    await this.db.query('DELETE FROM incident_signals WHERE incident_id = $1', [incidentId]);
  }

  /**
   * Keys not seen before, recording them: anomaly events are published at least once, and a
   * redelivered one must not count twice.
   */
  async firstSightings(keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const { rows } = await this.db.query<{ event_key: string }>(
      'INSERT INTO responder_seen_events (event_key) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING RETURNING event_key',
      [keys],
    );
    return new Set(rows.map((r) => r.event_key));
  }

  /** Resolved incidents to compare a new one with (similar past incidents). */
  async resolvedHistory(limit: number): Promise<StoredIncident[]> {
    const { rows } = await this.db.query<IncidentRow>(
      `SELECT ${COLUMNS} FROM incidents WHERE status = 'resolved' AND merged_into IS NULL ORDER BY resolved_at DESC LIMIT $1`,
      [limit],
    );
    return rows.map(fromRow);
  }

  /**
   * Mean time to detect / acknowledge / mitigate / resolve, per service and severity, over
   * incidents opened in [fromMs, toMs). Merged incidents are not counted twice.
   */
  async responseTimes(fromMs: number, toMs: number): Promise<ResponseTimesRow[]> {
    const { rows } = await this.db.query<{ service: string; severity: StoredSeverity; incidents: string; mttd: number | null; mtta: number | null; mttm: number | null; mttr: number | null }>(
      `SELECT s.service, i.severity, count(*)::text AS incidents,
         avg(extract(epoch from (i.detected_at - i.started_at)) * 1000)::float8 AS mttd,
         avg(extract(epoch from (i.acknowledged_at - i.detected_at)) * 1000)::float8 AS mtta,
         avg(extract(epoch from (i.mitigated_at - i.detected_at)) * 1000)::float8 AS mttm,
         avg(extract(epoch from (i.resolved_at - i.detected_at)) * 1000)::float8 AS mttr
       FROM incidents i CROSS JOIN LATERAL unnest(i.services) AS s(service)
       WHERE i.merged_into IS NULL AND i.opened_at >= ${tsParam(1)} AND i.opened_at < ${tsParam(2)}
       GROUP BY s.service, i.severity ORDER BY s.service, i.severity`,
      [fromMs, toMs],
    );
    const round = (v: number | null): number | null => (v === null ? null : Math.max(0, Math.round(v)));
    return rows.map((r) => ({ service: r.service, severity: r.severity, incidents: Number(r.incidents), mttdMs: round(r.mttd), mttaMs: round(r.mtta), mttmMs: round(r.mttm), mttrMs: round(r.mttr) }));
  }
}

export interface ResponseTimesRow {
  service: string;
  severity: StoredSeverity;
  incidents: number;
  mttdMs: number | null;
  mttaMs: number | null;
  mttmMs: number | null;
  mttrMs: number | null;
}
