import { mkdirSync } from 'node:fs';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Database, Queryable, QueryResult } from './database';
import { classifyDatabaseError } from './database-error';

export interface PgliteOptions {
  /** A directory, or 'memory://' (the default) for a throwaway database. */
  dataDir?: string;
}

function wrap(db: PGlite | Transaction): Queryable {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      try {
        const result = await db.query<R>(sql, params as unknown[]);
        return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
      } catch (error) {
        throw classifyDatabaseError(error);
      }
    },
    async exec(sql: string): Promise<void> {
      await db.exec(sql);
    },
  };
}

/** The embedded default: real Postgres compiled to WASM, in this process. */
export async function createPgliteDatabase(options: PgliteOptions = {}): Promise<Database> {
  const dataDir = options.dataDir ?? 'memory://';
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const root = wrap(db);
  let closed = false;
  return {
    driver: 'pglite',
    query: (sql, params) => root.query(sql, params),
    exec: (sql) => root.exec(sql),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    async ping() {
      try {
        await db.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.close();
    },
  };
}
