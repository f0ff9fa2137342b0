import type { Queryable } from './database';

export interface RetentionPolicy {
  rollupDays: number;
  evidenceDays: number;
}

/** Deletes rollups and evidence past their retention; returns rows deleted per table. */
export class RetentionRepository {
  constructor(private readonly db: Queryable) {}

  async enforce(policy: RetentionPolicy, now: Date = new Date()): Promise<Record<string, number>> {
    const rollupCutoff = new Date(now.getTime() - policy.rollupDays * 86_400_000);
    const evidenceCutoff = new Date(now.getTime() - policy.evidenceDays * 86_400_000);
    const deleted: Record<string, number> = {};
    for (const table of ['log_counts_1m', 'span_red_1m', 'metric_rollups_1m', 'log_template_counts_1m', 'redaction_counts_1m', 'service_calls_1m']) {
      deleted[table] = (await this.db.query(`DELETE FROM ${table} WHERE minute < $1`, [rollupCutoff])).rowCount;
    }
    deleted['metric_series'] = (await this.db.query('DELETE FROM metric_series WHERE last_seen < $1', [rollupCutoff])).rowCount;
    deleted['log_records'] = (await this.db.query('DELETE FROM log_records WHERE time < $1', [evidenceCutoff])).rowCount;
    deleted['span_samples'] = (await this.db.query('DELETE FROM span_samples WHERE start_time < $1', [evidenceCutoff])).rowCount;
    // Open anomalies stay whatever their age: something is still wrong.
    deleted['anomalies'] = (await this.db.query("DELETE FROM anomalies WHERE status = 'recovered' AND updated_at < $1", [rollupCutoff])).rowCount;
    return deleted;
  }
}
