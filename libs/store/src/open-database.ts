import type { Database } from './database';
import { createPgliteDatabase } from './pglite-database';
import { createPostgresDatabase } from './postgres-database';

export interface DatabaseSettings {
  DATABASE_URL?: string | undefined;
  DATABASE_POOL_SIZE: number;
  VIGIL_DATA_DIR: string;
}

/** A server when DATABASE_URL is set, else embedded PGlite. */
export function openDatabase(settings: DatabaseSettings): Promise<Database> {
  return settings.DATABASE_URL
    ? createPostgresDatabase({ url: settings.DATABASE_URL, poolSize: settings.DATABASE_POOL_SIZE })
    : createPgliteDatabase({ dataDir: settings.VIGIL_DATA_DIR });
}
