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
  // service → operation → minute → kind → row: no per-span key string (see LogCountRollup).
  private readonly byService = new Map<string, Map<string, Map<number, Partial<Record<SpanKind, SpanRedRow>>>>>();

  add(span: NormalizedSpan, minute: number = minuteOf(span.endTimeUnixNano)): void {
    let operations = this.byService.get(span.service);
    if (!operations) this.byService.set(span.service, (operations = new Map()));
    let minutes = operations.get(span.name);
    if (!minutes) operations.set(span.name, (minutes = new Map()));
    let kinds = minutes.get(minute);
    if (!kinds) minutes.set(minute, (kinds = {}));
    let row = kinds[span.kind];
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
      kinds[span.kind] = row;
    }
    const ms = span.durationNs / 1e6;
    row.requests++;
    if (span.status.code === 'error') row.errors++;
    row.durationSumMs += ms;
    if (ms > row.durationMaxMs) row.durationMaxMs = ms;
    (row.buckets[durationBucket(ms)] as number)++;
  }

  rows(): SpanRedRow[] {
    const out: SpanRedRow[] = [];
    for (const operations of this.byService.values()) {
      for (const minutes of operations.values()) for (const kinds of minutes.values()) for (const row of Object.values(kinds)) if (row) out.push(row);
    }
    return out;
  }
}
