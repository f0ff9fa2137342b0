export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** Anything that runs SQL: the database itself or one transaction. */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/**
 * The one database interface, with a driver for PostgreSQL servers (pg) and one for the
 * embedded default (PGlite). Repositories take a Queryable, so they run inside a transaction too.
 */
export interface Database extends Queryable {
  readonly driver: 'postgres' | 'pglite';
  /** Runs fn in a transaction; rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** True when the server answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
