/* eslint-disable @nx/enforce-module-boundaries -- jest runs global setup outside its module mapper, so no @vigil/* aliases here */
import { randomBytes } from 'node:crypto';
import { buildMockKafkaCluster } from '../../libs/testing/src/kafka/mock-kafka-cluster';
import { adminDatabaseUrl, runAdminSql } from '../../libs/testing/src/database/postgres-server';

/**
 * Runs once per jest run: checks the real parts are there before any suite starts, so a missing
 * server fails in one clear line instead of a hundred timeouts.
 */
export default async function globalSetup(): Promise<void> {
  process.env['VIGIL_TEST_RUN_ID'] = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const url = adminDatabaseUrl();
  try {
    await runAdminSql('SELECT 1', url);
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${url.replace(/\/\/[^@/]*@/, '//***@')} (${(error as Error).message}).\n` +
        'Run the tests with `npm test` (it installs and starts a local server when it can), start one with\n' +
        "  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n" +
        'or point TEST_DATABASE_URL at a server where this user may CREATE DATABASE.',
    );
  }
  if (!process.env['KAFKA_BROKERS']) buildMockKafkaCluster();
}
