import { Pool, type PoolClient } from 'pg';
import type { Database, Queryable, QueryResult } from './database';
import { classifyDatabaseError } from './database-error';
import { StoreError } from './store.error';

export interface PostgresOptions {
  url: string;
  poolSize?: number;
}

function wrap(client: Pool | PoolClient): Queryable {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      try {
        const result = await client.query(sql, params as unknown[]);
        return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
      } catch (error) {
        throw classifyDatabaseError(error);
      }
    },
    async exec(sql: string): Promise<void> {
      // Without parameters pg uses the simple query protocol, which allows several statements.
      await client.query(sql);
    },
  };
}

export async function createPostgresDatabase(options: PostgresOptions): Promise<Database> {
  const pool = new Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    const where = options.url.replace(/\/\/[^@/]*@/, '//***@');
    throw new StoreError('connection_failed', `cannot connect to PostgreSQL at ${where}: ${(error as Error).message}`, { cause: error });
  }
  const root = wrap(pool);
  let closed = false;
  return {
    driver: 'postgres',
    query: (sql, params) => root.query(sql, params),
    exec: (sql) => root.exec(sql),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect().catch((error: unknown) => {
        throw classifyDatabaseError(error);
      });
      // A checked-out client whose connection drops emits 'error'; unhandled, that would kill
      // the process. The query in flight rejects anyway, which is what the caller handles.
      const onError = (): void => undefined;
      client.on('error', onError);
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        throw classifyDatabaseError(error);
      } finally {
        client.off('error', onError);
        // A client that could not even roll back is not reused.
        client.release(broken);
      }
    },
    async ping() {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
