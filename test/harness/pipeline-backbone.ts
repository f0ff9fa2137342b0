import { randomBytes } from 'node:crypto';
import type { TestBroker } from '@vigil/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { ingestEnv, type IngestTopics } from '../ingest/ingest-accounting';

/** A suite's own topics for the pipeline; partitions per topic default to 1 (signals 2). */
export async function createPipelineTopics(kafka: TestBroker, partitions: Partial<Record<keyof IngestTopics, number>> = {}): Promise<IngestTopics> {
  return {
    logs: await kafka.createTopic(undefined, partitions.logs ?? 1),
    metrics: await kafka.createTopic(undefined, partitions.metrics ?? 1),
    spans: await kafka.createTopic(undefined, partitions.spans ?? 1),
    signals: await kafka.createTopic(undefined, partitions.signals ?? 2),
    dlq: await kafka.createTopic(undefined, partitions.dlq ?? 1),
  };
}

/** The variables for ingest and detect on a suite's broker, topics and database, with fresh groups. */
export async function pipelineEnv(kafka: TestBroker, databaseUrl: string, topics: IngestTopics, anomaliesTopic?: string): Promise<Record<string, string>> {
  return {
    ...ingestEnv({ databaseUrl, brokers: kafka.brokers, topics, group: `ingest-${randomBytes(4).toString('hex')}` }),
    VIGIL_DETECT_GROUP: `detect-${randomBytes(4).toString('hex')}`,
    VIGIL_TOPIC_ANOMALIES: anomaliesTopic ?? (await kafka.createTopic(undefined, 1)),
  };
}

/** A plain producer, as the Collector's kafka exporter is: one export request per message. */
export async function collectorProducer(brokers: readonly string[]): Promise<Producer> {
  const producer = new Kafka({ clientId: 'otel-collector', brokers: [...brokers], logLevel: logLevel.NOTHING }).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  return producer;
}
