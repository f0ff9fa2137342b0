import { randomBytes } from 'node:crypto';
import { createPostgresDatabase, migrate, type Database } from '@vigil/store';
import { adminDatabaseUrl, runAdminSql, TEST_DATABASE_PREFIX, testRunId, withDatabase } from './postgres-server';

export interface TestDatabase {
  /** Connection string of this suite's own database. */
  readonly url: string;
  readonly name: string;
  /** An open, migrated Database on it. */
  readonly db: Database;
}

export interface TestDatabaseOptions {
  /** Apply Vigil's migrations (default true). */
  migrate?: boolean;
}

/** Creates a fresh, uniquely named database on the test server. Call `dropTestDatabase` after. */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const name = `${TEST_DATABASE_PREFIX}${testRunId()}_${randomBytes(4).toString('hex')}`;
  await runAdminSql(`CREATE DATABASE "${name}"`);
  const url = withDatabase(adminDatabaseUrl(), name);
  const db = await createPostgresDatabase({ url, poolSize: 5 });
  if (options.migrate !== false) await migrate(db);
  return { url, name, db };
}

export async function dropTestDatabase(database: TestDatabase): Promise<void> {
  await database.db.close().catch(() => undefined);
  await runAdminSql(`DROP DATABASE IF EXISTS "${database.name}" WITH (FORCE)`);
}

/**
 * One line in a jest suite: `const pg = useTestDatabase();` then `pg.db` / `pg.url` inside tests.
 * Created in beforeAll, dropped in afterAll even when tests fail.
 */
export function useTestDatabase(options: TestDatabaseOptions = {}): TestDatabase {
  let current: TestDatabase | undefined;
  beforeAll(async () => {
    current = await createTestDatabase(options);
  });
  afterAll(async () => {
    if (current) await dropTestDatabase(current);
  });
  const get = (): TestDatabase => {
    if (!current) throw new Error('useTestDatabase(): use it inside a test or hook, after beforeAll ran');
    return current;
  };
  return {
    get url() {
      return get().url;
    },
    get name() {
      return get().name;
    },
    get db() {
      return get().db;
    },
  };
}
