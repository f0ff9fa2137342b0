export { useTestDatabase, createTestDatabase, dropTestDatabase } from './database/test-database';
export type { TestDatabase, TestDatabaseOptions } from './database/test-database';
export { adminDatabaseUrl } from './database/postgres-server';
export { useTestBroker, uniqueTopic } from './kafka/test-broker';
export type { TestBroker } from './kafka/test-broker';
export { MockKafkaCluster, buildMockKafkaCluster, KAFKA_API_KEYS, KAFKA_ERROR_CODES } from './kafka/mock-kafka-cluster';
export { expectEventually } from './async/expect-eventually';
export { otlpLogsRequest } from './otlp/otlp-log-fixtures';
export type { LogFixture } from './otlp/otlp-log-fixtures';
