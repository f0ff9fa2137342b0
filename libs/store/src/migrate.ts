import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from './database';
import { StoreError } from './store.error';

/** Beside src/ in the repo, and copied beside it in dist/ by the build. */
export const MIGRATIONS_DIR = join(__dirname, '..', 'migrations');

// Any constant works; it only has to be the same in every Vigil process.
const MIGRATION_LOCK_ID = 7_311_042;
const FILE_PATTERN = /^(\d{4})_[a-z0-9_]+\.sql$/;

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) throw new StoreError('migration_failed', `migrations folder not found: ${dir}`);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      if (!FILE_PATTERN.test(file)) {
        throw new StoreError('migration_failed', `migration file ${file} must be named NNNN_snake_case.sql`);
      }
      const sql = readFileSync(join(dir, file), 'utf8');
      return { name: file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies pending plain-SQL migrations in order, all in one transaction under an advisory lock,
 * so replicas starting together migrate once. Returns the names it applied.
 */
export async function migrate(db: Database, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = readMigrations(dir);
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
    );
    const { rows } = await tx.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations');
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    const done: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new StoreError('migration_failed', `migration ${migration.name} was edited after it was applied; add a new migration instead`);
        }
        continue;
      }
      try {
        await tx.exec(migration.sql);
      } catch (error) {
        throw new StoreError('migration_failed', `migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
      await tx.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [migration.name, migration.checksum]);
      done.push(migration.name);
    }
    return done;
  });
}
