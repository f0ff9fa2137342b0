import type { NormalizedSpan, SpanKind } from '@vigil/contracts';
import { minuteOf } from './time-bucket';

/** Upper bounds (ms) of the duration histogram; one more bucket catches everything above. */
export const DURATION_BOUNDS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000] as const;

export interface SpanRedRow {
  minute: number;
  service: string;
  operation: string;
  kind: SpanKind;
  requests: number;
  errors: number;
  durationSumMs: number;
  durationMaxMs: number;
  /** Counts per DURATION_BOUNDS_MS bucket, plus the overflow bucket. */
  buckets: number[];
}

export function durationBucket(ms: number): number {
  for (let i = 0; i < DURATION_BOUNDS_MS.length; i++) if (ms <= (DURATION_BOUNDS_MS[i] as number)) return i;
  return DURATION_BOUNDS_MS.length;
}

/**
 * Rate, errors and duration per service, operation (span name) and kind, by the minute the span
 * ended in. Additive, so batches from any worker merge into the same rows.
 */
export class SpanRedRollup {
  private readonly rowsByKey = new Map<string, SpanRedRow>();

  add(span: NormalizedSpan): void {
    const minute = minuteOf(span.endTimeUnixNano);
    const key = `${span.service}\u0000${span.name}\u0000${span.kind}\u0000${minute}`;
    let row = this.rowsByKey.get(key);
    if (!row) {
      row = {
        minute,
        service: span.service,
        operation: span.name,
        kind: span.kind,
        requests: 0,
        errors: 0,
        durationSumMs: 0,
        durationMaxMs: 0,
        buckets: new Array<number>(DURATION_BOUNDS_MS.length + 1).fill(0),
      };
      this.rowsByKey.set(key, row);
    }
    const ms = span.durationNs / 1e6;
    row.requests++;
    if (span.status.code === 'error') row.errors++;
    row.durationSumMs += ms;
    if (ms > row.durationMaxMs) row.durationMaxMs = ms;
    (row.buckets[durationBucket(ms)] as number)++;
  }

  rows(): SpanRedRow[] {
    return [...this.rowsByKey.values()];
  }
}
