/** How long to wait before retrying a failed delivery. */
export interface WebhookBackoffOptions {
  /** The first retry waits up to this long; each further one up to twice as long. */
  baseMs: number;
  /** No retry waits longer than this (unless the receiver asked for more with Retry-After). */
  capMs: number;
}

export const DEFAULT_WEBHOOK_BACKOFF: WebhookBackoffOptions = { baseMs: 5_000, capMs: 60 * 60_000 };

/** A Retry-After further out than this is taken as this (a typo must not park a delivery for a year). */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60_000;

/**
 * Exponential backoff with full jitter: a uniformly random wait in [0, min(cap, base·2^(attempt−1))),
 * where `attempt` is the number of the attempt that just failed (1 for the first). Jitter spreads
 * out the retries of many deliveries that failed together (a receiver that was down).
 */
export function backoffDelayMs(attempt: number, options: WebhookBackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * A Retry-After header as milliseconds from now: delta-seconds (`120`) or an HTTP date. Null when
 * absent or unreadable; a date in the past is 0.
 */
export function retryAfterMs(header: string | null | undefined, nowMs: number = Date.now()): number | null {
  if (header === null || header === undefined) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS);
  if (!/[a-z]/i.test(value)) return null;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS);
}

/** The wait before the next attempt: the backoff, but never sooner than the receiver's Retry-After. */
export function nextAttemptDelayMs(attempt: number, options: WebhookBackoffOptions, retryAfter: number | null, random: () => number = Math.random): number {
  return Math.max(backoffDelayMs(attempt, options, random), retryAfter ?? 0);
}
