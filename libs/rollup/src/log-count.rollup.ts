import type { NormalizedLogRecord } from '@vigil/contracts';
import { severityBucket, type SeverityBucket } from './severity';
import { minuteOf } from './time-bucket';

export interface LogCountRow {
  /** Epoch seconds of the minute. */
  minute: number;
  service: string;
  severity: SeverityBucket;
  count: number;
}

/** Log counts per service, severity and minute for one batch; merged additively in the store. */
export class LogCountRollup {
  private readonly counts = new Map<string, LogCountRow>();

  add(record: NormalizedLogRecord): SeverityBucket {
    const severity = severityBucket(record.severityNumber);
    const minute = minuteOf(record.timeUnixNano);
    const key = `${record.service}\u0000${severity}\u0000${minute}`;
    const row = this.counts.get(key);
    if (row) row.count++;
    else this.counts.set(key, { minute, service: record.service, severity, count: 1 });
    return severity;
  }

  rows(): LogCountRow[] {
    return [...this.counts.values()];
  }
}
