import { backoffDelayMs, DEFAULT_WEBHOOK_BACKOFF, MAX_RETRY_AFTER_MS, nextAttemptDelayMs, retryAfterMs } from './webhook-backoff';

describe('webhook retry backoff', () => {
  const options = { baseMs: 5_000, capMs: 3_600_000 };

  it('defaults to a 5 s base and a 1 h cap', () => {
    expect(DEFAULT_WEBHOOK_BACKOFF).toEqual(options);
  });

  it('doubles the ceiling per failed attempt up to the cap (full jitter: random × ceiling)', () => {
    const top = (attempt: number): number => backoffDelayMs(attempt, options, () => 0.999999999);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(top)).toEqual([4_999, 9_999, 19_999, 39_999, 79_999, 159_999, 319_999, 639_999, 1_279_999, 2_559_999, 3_599_999]);
    expect(top(50)).toBe(3_599_999);
    expect(top(5000)).toBe(3_599_999);
    expect(backoffDelayMs(3, options, () => 0)).toBe(0);
    expect(backoffDelayMs(3, options, () => 0.5)).toBe(10_000);
  });

  it('spreads retries uniformly over [0, ceiling)', () => {
    const samples = Array.from({ length: 4000 }, () => backoffDelayMs(4, options));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThan(40_000);
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    expect(mean).toBeGreaterThan(18_000);
    expect(mean).toBeLessThan(22_000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2025-03-01T12:00:00Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Sat, 01 Mar 2025 12:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Sat, 01 Mar 2025 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('99999999', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs('-5', now)).toBeNull();
    expect(retryAfterMs('1.5', now)).toBeNull();
  });

  it('never retries sooner than the receiver asked', () => {
    expect(nextAttemptDelayMs(1, options, 60_000, () => 0.5)).toBe(60_000);
    expect(nextAttemptDelayMs(8, options, 1_000, () => 0.5)).toBe(320_000);
    expect(nextAttemptDelayMs(2, options, null, () => 0.5)).toBe(5_000);
  });
});
