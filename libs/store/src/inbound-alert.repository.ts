import type { Queryable } from './database';
import { stripNul, toJsonb } from './json-safe';

/** The latest episode of one alert a sender told us about (see 0008_inbound_webhooks.sql). */
export interface StoredInboundAlert {
  /** `alertmanager`, `grafana`, `pagerduty`, `generic`. */
  source: string;
  /** The sender's identity of the alert: a fingerprint, a dedup_key, an id. */
  alertKey: string;
  episodeId: string;
  status: 'firing' | 'resolved';
  /** Event time the episode started, unix nanoseconds as a decimal string. */
  startedUnixNano: string;
  service: string;
  fingerprint: string;
  signal: string;
  summary: string;
  labels: Record<string, string>;
  evidenceUrl: string | null;
}

interface InboundAlertRow {
  source: string;
  alert_key: string;
  episode_id: string;
  status: 'firing' | 'resolved';
  started_unix_nano: string;
  service: string;
  fingerprint: string;
  signal: string;
  summary: string;
  labels: Record<string, string> | string;
  evidence_url: string | null;
}

const fromRow = (row: InboundAlertRow): StoredInboundAlert => ({
  source: row.source,
  alertKey: row.alert_key,
  episodeId: row.episode_id,
  status: row.status,
  startedUnixNano: row.started_unix_nano,
  service: row.service,
  fingerprint: row.fingerprint,
  signal: row.signal,
  summary: row.summary,
  labels: typeof row.labels === 'string' ? (JSON.parse(row.labels) as Record<string, string>) : row.labels,
  evidenceUrl: row.evidence_url,
});

/** Alert episodes and accepted signed deliveries of the inbound alert webhooks. */
export class InboundAlertRepository {
  constructor(private readonly db: Queryable) {}

  /** The stored episode of each of these keys of one source (absent keys are not in the map). */
  async find(source: string, keys: readonly string[]): Promise<Map<string, StoredInboundAlert>> {
    if (keys.length === 0) return new Map();
    const { rows } = await this.db.query<InboundAlertRow>(
      `SELECT source, alert_key, episode_id, status, started_unix_nano, service, fingerprint, signal, summary, labels, evidence_url
       FROM inbound_alerts WHERE source = $1 AND alert_key = ANY($2::text[])`,
      [source, keys.map(stripNul)],
    );
    return new Map(rows.map((r) => [r.alert_key, fromRow(r)]));
  }

  /** Inserts or replaces each alert's episode (the last one of a key wins); returns rows written. */
  async save(alerts: readonly StoredInboundAlert[]): Promise<number> {
    // One statement cannot touch a row twice: keep each (source, key)'s last state only.
    const latest = new Map(alerts.map((a) => [`${a.source}\u0000${a.alertKey}`, a]));
    if (latest.size === 0) return 0;
    const records = [...latest.values()].map((a) => ({
      source: a.source,
      alert_key: a.alertKey,
      episode_id: a.episodeId,
      status: a.status,
      started_unix_nano: a.startedUnixNano,
      service: a.service,
      fingerprint: a.fingerprint,
      signal: a.signal,
      summary: a.summary,
      labels: a.labels,
      evidence_url: a.evidenceUrl,
    }));
    const { rowCount } = await this.db.query(
      `INSERT INTO inbound_alerts AS t (source, alert_key, episode_id, status, started_unix_nano, service, fingerprint, signal, summary, labels, evidence_url)
       SELECT source, alert_key, episode_id, status, started_unix_nano, service, fingerprint, signal, summary, labels, evidence_url
       FROM jsonb_to_recordset($1::jsonb) AS r(source text, alert_key text, episode_id text, status text, started_unix_nano text, service text,
                                                fingerprint text, signal text, summary text, labels jsonb, evidence_url text)
       ON CONFLICT (source, alert_key) DO UPDATE SET
         episode_id = EXCLUDED.episode_id, status = EXCLUDED.status, started_unix_nano = EXCLUDED.started_unix_nano,
         service = EXCLUDED.service, fingerprint = EXCLUDED.fingerprint, signal = EXCLUDED.signal, summary = EXCLUDED.summary,
         labels = EXCLUDED.labels, evidence_url = EXCLUDED.evidence_url, last_seen_at = now(),
         first_seen_at = CASE WHEN t.episode_id = EXCLUDED.episode_id THEN t.first_seen_at ELSE now() END`,
      [toJsonb(records)],
    );
    return rowCount;
  }

  /** Records a signed delivery as accepted; false when its id was accepted before (a replay). */
  async claimDelivery(source: string, deliveryId: string): Promise<boolean> {
    const { rows } = await this.db.query<{ delivery_id: string }>(
      'INSERT INTO inbound_webhook_deliveries (source, delivery_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING delivery_id',
      [source, stripNul(deliveryId)],
    );
    return rows.length === 1;
  }

  /** Forgets a claimed delivery that could not be processed, so the sender's retry is not taken for a replay. */
  async releaseDelivery(source: string, deliveryId: string): Promise<void> {
    await this.db.query('DELETE FROM inbound_webhook_deliveries WHERE source = $1 AND delivery_id = $2', [source, stripNul(deliveryId)]);
  }

  /** Retention: deliveries received before `deliveriesBeforeMs`, alerts last seen before `alertsBeforeMs`. */
  async prune(input: { deliveriesBeforeMs: number; alertsBeforeMs: number }): Promise<{ deliveries: number; alerts: number }> {
    const deliveries = await this.db.query('DELETE FROM inbound_webhook_deliveries WHERE received_at < $1', [new Date(input.deliveriesBeforeMs)]);
    const alerts = await this.db.query('DELETE FROM inbound_alerts WHERE last_seen_at < $1', [new Date(input.alertsBeforeMs)]);
    return { deliveries: deliveries.rowCount, alerts: alerts.rowCount };
  }
}
