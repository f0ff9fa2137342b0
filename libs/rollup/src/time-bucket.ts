/**
 * The minute (epoch seconds, floored) of a nanosecond timestamp string. String slicing instead of
 * BigInt division: this runs for every record at hundreds of thousands per second.
 */
export function minuteOf(unixNano: string): number {
  const seconds = unixNano.length > 9 ? Number(unixNano.slice(0, -9)) : 0;
  return seconds - (seconds % 60);
}

/** Milliseconds from a nanosecond timestamp string (sub-millisecond part dropped). */
export function millisOf(unixNano: string): number {
  return unixNano.length > 6 ? Number(unixNano.slice(0, -6)) : 0;
}

/** A nanosecond timestamp string from epoch milliseconds (the inverse of `millisOf`). */
export function unixNanoOf(millis: number): string {
  return millis === 0 ? '0' : `${millis}000000`;
}
