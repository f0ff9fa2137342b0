/* eslint-disable @nx/enforce-module-boundaries -- jest runs global setup outside its module mapper, so no @vigil/* aliases here */
import { adminDatabaseUrl, runAdminSql, TEST_DATABASE_PREFIX } from '../../libs/testing/src/database/postgres-server';

/** Drops any database this run left behind (a suite killed mid-way cannot run its afterAll). */
export default async function globalTeardown(): Promise<void> {
  const runId = process.env['VIGIL_TEST_RUN_ID'];
  if (!runId) return;
  const { rows } = await runAdminSql(
    `SELECT datname FROM pg_database WHERE datname LIKE '${TEST_DATABASE_PREFIX}${runId}_%'`,
    adminDatabaseUrl(),
  );
  for (const row of rows) {
    await runAdminSql(`DROP DATABASE IF EXISTS "${String(row['datname'])}" WITH (FORCE)`);
  }
}
