/**
 * Whether a failed handler should be retried. Errors say so where they are thrown
 * (`retriable: false`); programming errors are never retried: they would fail forever.
 */
export function isRetriable(error: unknown): boolean {
  if (error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError || error instanceof ReferenceError) {
    return false;
  }
  if (typeof error === 'object' && error !== null && 'retriable' in error) {
    return (error as { retriable: unknown }).retriable !== false;
  }
  return true;
}

export function describeError(error: unknown): { code: string; reason: string } {
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : error.name;
    return { code, reason: error.message };
  }
  return { code: 'unknown', reason: String(error) };
}

export function backoffMs(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
}
