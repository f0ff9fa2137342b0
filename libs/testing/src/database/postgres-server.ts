import { Client } from 'pg';

/** The server tests create their databases on: TEST_DATABASE_URL, else the local one. */
export function adminDatabaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env['TEST_DATABASE_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function runAdminSql(sql: string, url: string = adminDatabaseUrl()): Promise<{ rows: Record<string, unknown>[] }> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Each jest run has an id; every database it creates is named after it, so leftovers can be swept. */
export function testRunId(env: NodeJS.ProcessEnv = process.env): string {
  return env['VIGIL_TEST_RUN_ID'] ?? `r${process.pid}`;
}

export const TEST_DATABASE_PREFIX = 'vigil_t_';
