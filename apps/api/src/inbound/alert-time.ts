/**
 * RFC 3339 timestamps as senders write them, to unix nanoseconds without losing precision:
 * Alertmanager and Grafana (Go) write up to nine fractional digits (`…26.739266876+02:00`) and the
 * zero time `0001-01-01T00:00:00Z` for "not set"; PagerDuty's examples use `+0000` offsets.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

const NANOS_PER_MS = 1_000_000n;

/** Unix nanoseconds of an RFC 3339 timestamp; null when malformed or before 1970 (Go's zero time means unset). */
export function parseTimestampNanos(text: string): bigint | null {
  const m = RFC3339.exec(text.trim());
  if (!m) return null;
  const [, year, month, day, hour, minute, second, fraction = '', zulu, sign, offsetHours, offsetMinutes] = m;
  const wholeMs = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  if (Number.isNaN(wholeMs) || Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > 31 || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 60) {
    return null;
  }
  const offsetMs = zulu ? 0 : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  const nanos = BigInt(wholeMs - offsetMs) * NANOS_PER_MS + BigInt(fraction.padEnd(9, '0') || '0');
  return nanos >= 0n ? nanos : null;
}

/** True for text `parseTimestampNanos` reads (including Go's zero time). */
export function isRfc3339(text: string): boolean {
  return RFC3339.test(text.trim());
}

export const nanosOfMs = (ms: number): bigint => BigInt(Math.trunc(ms)) * NANOS_PER_MS;
export const msOfNanos = (nanos: bigint): number => Number(nanos / NANOS_PER_MS);
