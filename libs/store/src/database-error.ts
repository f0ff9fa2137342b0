/**
 * Whether a failed statement may succeed if retried, from its SQLSTATE class. Connection loss,
 * rollbacks (deadlock, serialization), resource limits and admin shutdowns are transient. Data
 * exceptions and constraint violations mean this input can never be stored: not retriable, so
 * the message is dead-lettered. Anything else (a schema or SQL bug) is retried: dropping data
 * because of our own bug would be worse than stalling until it is fixed.
 */
export function isRetriableDatabaseError(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  if (/^[0-9A-Z]{5}$/.test(code)) {
    const cls = code.slice(0, 2);
    return !(cls === '22' || cls === '23');
  }
  // No SQLSTATE: a socket or driver failure (ECONNRESET, "Connection terminated"): transient.
  return true;
}

/** Marks the error with `retriable` where it is thrown, as the bus expects. */
export function classifyDatabaseError(error: unknown): unknown {
  if (typeof error === 'object' && error !== null && !('retriable' in error)) {
    Object.defineProperty(error, 'retriable', { value: isRetriableDatabaseError(error), enumerable: false });
  }
  return error;
}
