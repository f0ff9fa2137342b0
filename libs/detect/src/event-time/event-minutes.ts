/** One minute of event time, in milliseconds. */
export const MINUTE_MS = 60_000;
/** A stream silent for longer than this is not back-filled minute by minute. */
const MAX_GAP_MINUTES = 24 * 60;
const NOTHING_DUE: readonly never[] = Object.freeze([]);

/**
 * Per-minute buckets on event time, as the watches keep them in their (serializable) state:
 * a minute is judged once the stream has moved `lateness` minutes past it, in order, exactly
 * once; a line for a minute already judged is late and only counted.
 */
export interface EventMinutesState<B> {
  newestMinute: number | null;
  /** Every minute before this one has been judged. */
  nextToClose: number | null;
  buckets: Record<string, B>;
  late: number;
}

export function minuteStart(ms: number): number {
  return ms - (ms % MINUTE_MS);
}

/** The bucket for an event at `ms`, made on first use; null (and counted) when it is late. */
export function bucketAt<B>(s: EventMinutesState<B>, ms: number, make: () => B): B | null {
  const minute = minuteStart(ms);
  if (s.nextToClose !== null && minute < s.nextToClose) {
    s.late++;
    return null;
  }
  return (s.buckets[minute] ??= make());
}

/**
 * When an event at `ms` moves the stream into a new minute: the minutes that are now due, oldest
 * first, each with its bucket (undefined for a silent minute, which a watch may judge too), taken
 * out of the state. Minutes skipped by a gap longer than a day are dropped, not judged.
 */
export function closeDueMinutes<B>(s: EventMinutesState<B>, ms: number, latenessMinutes: number): readonly { minute: number; bucket: B | undefined }[] {
  const minute = minuteStart(ms);
  // The common case (same minute as the last line) allocates nothing: this runs per line.
  if (s.newestMinute !== null && minute <= s.newestMinute) return NOTHING_DUE;
  s.newestMinute = minute;
  const end = minute - latenessMinutes * MINUTE_MS;
  const pending = Object.keys(s.buckets).map(Number).filter((m) => m < end).sort((a, b) => a - b);
  if (pending.length === 0 && s.nextToClose === null) return [];
  let next = s.nextToClose ?? (pending[0] as number);
  if ((end - next) / MINUTE_MS > MAX_GAP_MINUTES) next = Math.max(next, end - MAX_GAP_MINUTES * MINUTE_MS, pending[0] ?? next);
  const due: { minute: number; bucket: B | undefined }[] = [];
  for (; next < end; next += MINUTE_MS) {
    due.push({ minute: next, bucket: s.buckets[next] });
    delete s.buckets[next];
  }
  for (const m of pending) if (m < next) delete s.buckets[m];
  s.nextToClose = next;
  return due;
}
