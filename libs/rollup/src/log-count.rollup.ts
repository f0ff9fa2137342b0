import type { NormalizedLogRecord } from '@vigil/contracts';
import { SEVERITY_BUCKETS, type SeverityBucket } from './severity';
import { minuteOf } from './time-bucket';

export interface LogCountRow {
  /** Epoch seconds of the minute. */
  minute: number;
  service: string;
  severity: SeverityBucket;
  count: number;
}

function severityIndex(severityNumber: number): number {
  return severityNumber <= 0 || severityNumber > 24 ? 0 : Math.ceil(severityNumber / 4);
}

/**
 * Log counts per service, severity and minute for one batch; merged additively in the store.
 * Nested maps rather than a joined string key: this runs once per record, and building and
 * hashing a key string per record was a visible share of a worker's time and garbage.
 */
export class LogCountRollup {
  private readonly byService = new Map<string, Map<number, (LogCountRow | undefined)[]>>();

  /** Counts the record; returns its severity bucket. `minute` saves recomputing it (epoch seconds). */
  add(record: NormalizedLogRecord, minute: number = minuteOf(record.timeUnixNano)): SeverityBucket {
    const index = severityIndex(record.severityNumber);
    const severity = SEVERITY_BUCKETS[index] as SeverityBucket;
    let minutes = this.byService.get(record.service);
    if (!minutes) this.byService.set(record.service, (minutes = new Map()));
    let rows = minutes.get(minute);
    if (!rows) minutes.set(minute, (rows = []));
    const row = rows[index];
    if (row) row.count++;
    else rows[index] = { minute, service: record.service, severity, count: 1 };
    return severity;
  }

  rows(): LogCountRow[] {
    const out: LogCountRow[] = [];
    for (const minutes of this.byService.values()) for (const rows of minutes.values()) for (const row of rows) if (row) out.push(row);
    return out;
  }
}
