import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { MockKafkaCluster } from './mock-kafka-cluster';

export interface TestBroker {
  /** Bootstrap host:port list. */
  readonly brokers: string[];
  /** Creates a topic (unique name unless given) and returns its name. */
  createTopic(name?: string, partitions?: number): Promise<string>;
  /** The fault injector; null against a real cluster (KAFKA_BROKERS), where faults cannot be injected. */
  readonly faults: MockKafkaCluster | null;
}

export function uniqueTopic(prefix = 't'): string {
  return `${prefix}.${randomBytes(5).toString('hex')}`;
}

async function createRealTopic(brokers: string[], topic: string, partitions: number): Promise<void> {
  const admin = new Kafka({ clientId: 'vigil-test', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }] });
  } finally {
    await admin.disconnect();
  }
}

/**
 * One line in a jest suite: `const kafka = useTestBroker();`. Each suite gets its own librdkafka
 * mock cluster (so one suite's injected faults never hit another), or the real cluster in
 * KAFKA_BROKERS. Stopped in afterAll even when tests fail.
 */
export function useTestBroker(options: { brokers?: number } = {}): TestBroker {
  let cluster: MockKafkaCluster | null = null;
  let brokers: string[] | undefined;
  const real = process.env['KAFKA_BROKERS'];
  beforeAll(async () => {
    if (real) {
      brokers = real.split(',').map((b) => b.trim());
    } else {
      cluster = await MockKafkaCluster.start({ brokers: options.brokers ?? 3 });
      brokers = cluster.brokers;
    }
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  const started = (): string[] => {
    if (!brokers) throw new Error('useTestBroker(): use it inside a test or hook, after beforeAll ran');
    return brokers;
  };
  return {
    get brokers() {
      return started();
    },
    get faults() {
      started();
      return cluster;
    },
    async createTopic(name = uniqueTopic(), partitions = 3) {
      const list = started();
      if (cluster) await cluster.createTopic(name, partitions, Math.min(3, options.brokers ?? 3));
      else await createRealTopic(list, name, partitions);
      return name;
    },
  };
}
