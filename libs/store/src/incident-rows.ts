/** Milliseconds since the epoch of a timestamptz column, as a plain number (null stays null). */
export const msOf = (column: string, alias = `${column}_ms`): string => `floor(extract(epoch from ${column}) * 1000)::float8 AS ${alias}`;
/** A millisecond parameter into a timestamptz. */
export const tsParam = (n: number): string => `to_timestamp($${n}::float8 / 1000)`;

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Opaque keyset cursor: base64url of the sort key, so clients cannot depend on its shape. */
export const encodeCursor = (parts: readonly (string | number)[]): string => Buffer.from(JSON.stringify(parts)).toString('base64url');
export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | null {
  if (!cursor) return null;
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === arity && parts.every((p) => typeof p === 'string' || typeof p === 'number')) return parts as (string | number)[];
  } catch {
    // fall through: a cursor we did not make
  }
  throw new InvalidCursorError();
}

export class InvalidCursorError extends Error {
  readonly code = 'invalid_cursor';
  constructor() {
    super('cursor is not one this API returned');
  }
}
