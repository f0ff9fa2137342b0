const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * A duration the way responders say it, two units at most: `42s`, `7m 05s`, `2h 03m`, `1d 4h`.
 * Truncated, never rounded up, so 59.9 s reads `59s` rather than a misleading `60s` and a
 * duration never looks longer than it was. Negative durations keep their sign.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`formatDuration: not a finite number of milliseconds: ${ms}`);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  const total = Math.floor(ms / SECOND) * SECOND;
  if (total < MINUTE) return `${total / SECOND}s`;
  if (total < HOUR) return `${Math.floor(total / MINUTE)}m ${pad(Math.floor((total % MINUTE) / SECOND))}s`;
  if (total < DAY) return `${Math.floor(total / HOUR)}h ${pad(Math.floor((total % HOUR) / MINUTE))}m`;
  return `${Math.floor(total / DAY)}d ${Math.floor((total % DAY) / HOUR)}h`;
}
