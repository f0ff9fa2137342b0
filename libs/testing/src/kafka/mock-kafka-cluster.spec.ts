import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel, type Consumer, type KafkaMessage, type Producer, type RetryOptions } from 'kafkajs';
import {
  KAFKA_API_KEYS,
  KAFKA_ERROR_CODES,
  MockKafkaCluster,
  MockKafkaClusterError,
  buildMockKafkaCluster,
} from './mock-kafka-cluster';

process.env['KAFKAJS_NO_PARTITIONER_WARNING'] = '1';

const topicName = (prefix: string): string => `${prefix}.${randomBytes(4).toString('hex')}`;

/** Fast retries that still ride out a ~3 s outage (about 5 s of back-off in total). */
const RIDE_OUT_RETRY: RetryOptions = { retries: 8, initialRetryTime: 100, maxRetryTime: 1000 };
/** Gives up after ~100 ms. */
const FAIL_FAST_RETRY: RetryOptions = { retries: 1, initialRetryTime: 50, maxRetryTime: 100 };
/**
 * The mock group coordinator waits 3 s before the first join of an empty group and
 * (sessionTimeout - 1 s) on every later rebalance, including a new member joining after the
 * last one left: with kafkajs' default 30 s session a re-join takes 29 s.
 */
const CONSUMER_TIMING = { maxWaitTimeInMs: 100, sessionTimeout: 3000, heartbeatInterval: 500 } as const;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('MockKafkaCluster', () => {
  let binaryPath: string;
  let cluster: MockKafkaCluster;
  let kafka: Kafka;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    binaryPath = buildMockKafkaCluster();
    cluster = await MockKafkaCluster.start({ brokers: 3, binaryPath });
    kafka = new Kafka({ clientId: 'mock-cluster-spec', brokers: cluster.brokers, logLevel: logLevel.NOTHING });
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  async function producer(retry: RetryOptions = RIDE_OUT_RETRY): Promise<Producer> {
    const p = kafka.producer({ allowAutoTopicCreation: false, idempotent: false, retry });
    await p.connect();
    cleanups.push(() => p.disconnect());
    return p;
  }

  async function consume(
    groupId: string,
    topic: string,
    sink: KafkaMessage[],
  ): Promise<Consumer> {
    const c = kafka.consumer({ groupId, allowAutoTopicCreation: false, ...CONSUMER_TIMING });
    await c.connect();
    cleanups.push(() => c.disconnect());
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({
      eachMessage: async ({ message }) => {
        sink.push(message);
      },
    });
    return c;
  }

  const values = (messages: KafkaMessage[]): string[] => messages.map((m) => m.value?.toString() ?? '');

  it('reports one bootstrap address per broker on 127.0.0.1', () => {
    expect(cluster.brokers).toHaveLength(3);
    for (const b of cluster.brokers) expect(b).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('numbers brokers from 1 and exposes created topics in metadata', async () => {
    const topic = topicName('meta');
    await cluster.createTopic(topic, 3, 1);
    await cluster.setPartitionLeader(topic, 0, 3);
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const partitions = topics[0]?.partitions ?? [];
    expect(partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
    expect(partitions.find((p) => p.partitionId === 0)?.leader).toBe(3);
    for (const p of partitions) expect([1, 2, 3]).toContain(p.leader);
  });

  it('produces and consumes through a consumer group; a later member resumes from the commit', async () => {
    const topic = topicName('group');
    const groupId = topicName('g');
    await cluster.createTopic(topic, 2);
    const p = await producer();
    await p.send({ topic, messages: ['a', 'b', 'c'].map((value) => ({ value })) });

    const first: KafkaMessage[] = [];
    const c1 = await consume(groupId, topic, first);
    await waitFor('first consumer to get 3 messages', () => first.length >= 3);
    expect(values(first).sort()).toEqual(['a', 'b', 'c']);

    // Auto-commit runs after each batch: the group's offsets must reach the end of the log.
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    let committed = 0;
    const deadline = Date.now() + 5_000;
    while (committed !== 3 && Date.now() < deadline) {
      const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
      committed = (offsets[0]?.partitions ?? []).reduce((sum, o) => sum + Math.max(0, Number(o.offset)), 0);
      if (committed !== 3) await new Promise((r) => setTimeout(r, 100));
    }
    expect(committed).toBe(3);
    await c1.disconnect();

    await p.send({ topic, messages: ['d', 'e'].map((value) => ({ value })) });
    const second: KafkaMessage[] = [];
    await consume(groupId, topic, second); // fromBeginning: only the commit keeps a..c out
    await waitFor('second consumer to get 2 messages', () => second.length >= 2);
    await new Promise((r) => setTimeout(r, 300)); // nothing else may trickle in
    expect(values(second).sort()).toEqual(['d', 'e']);
  });

  it('fails a produce while the leader is down and succeeds once it is back', async () => {
    const topic = topicName('down');
    await cluster.createTopic(topic, 1);
    await cluster.setPartitionLeader(topic, 0, 2);
    const p = await producer(FAIL_FAST_RETRY);
    await p.send({ topic, messages: [{ value: 'before' }] });

    await cluster.brokerDown(2);
    try {
      const started = Date.now();
      await expect(p.send({ topic, messages: [{ value: 'during' }] })).rejects.toThrow(/ECONNREFUSED|Connection/);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await cluster.brokerUp(2);
    }
    const [result] = await p.send({ topic, messages: [{ value: 'after' }] });
    expect(result?.errorCode).toBe(0);
    expect(result?.baseOffset).toBe('1');
  });

  it('rides out a short broker outage with enough producer retries', async () => {
    const topic = topicName('outage');
    await cluster.createTopic(topic, 1);
    await cluster.setPartitionLeader(topic, 0, 1);
    const p = await producer(RIDE_OUT_RETRY);
    await p.send({ topic, messages: [{ value: 'warm-up' }] });

    await cluster.brokerDown(1);
    const restore = setTimeout(() => void cluster.brokerUp(1), 1_500);
    try {
      const started = Date.now();
      const [result] = await p.send({ topic, messages: [{ value: 'during' }] });
      expect(result?.errorCode).toBe(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    } finally {
      clearTimeout(restore);
      await cluster.brokerUp(1);
    }
  });

  it('keeps delivering when partition leadership moves', async () => {
    const topic = topicName('leader');
    await cluster.createTopic(topic, 1);
    await cluster.setPartitionLeader(topic, 0, 1);
    const p = await producer();
    await p.send({ topic, messages: [{ value: 'on-1' }] });
    await cluster.setPartitionLeader(topic, 0, 2);
    await p.send({ topic, messages: [{ value: 'on-2' }] });
    await cluster.setPartitionLeader(topic, 0, 3);
    await p.send({ topic, messages: [{ value: 'on-3' }] });

    const got: KafkaMessage[] = [];
    await consume(topicName('g'), topic, got);
    await waitFor('3 messages', () => got.length >= 3);
    expect(values(got)).toEqual(['on-1', 'on-2', 'on-3']);
  });

  it('injects request errors: kafkajs fails without retries and retries through them', async () => {
    const topic = topicName('errors');
    await cluster.createTopic(topic, 1);
    const noRetry = await producer({ retries: 0 });
    await noRetry.send({ topic, messages: [{ value: 'warm-up' }] });
    await cluster.pushRequestErrors(KAFKA_API_KEYS.Produce, [KAFKA_ERROR_CODES.NOT_LEADER_OR_FOLLOWER]);
    await expect(noRetry.send({ topic, messages: [{ value: 'x' }] })).rejects.toThrow(/not the leader/i);

    const p = await producer(RIDE_OUT_RETRY);
    await cluster.pushRequestErrors(KAFKA_API_KEYS.Produce, [
      KAFKA_ERROR_CODES.NOT_LEADER_OR_FOLLOWER,
      KAFKA_ERROR_CODES.NOT_LEADER_OR_FOLLOWER,
    ]);
    const [result] = await p.send({ topic, messages: [{ value: 'through' }] });
    expect(result?.errorCode).toBe(0);
    // Both errors were consumed by the retries: the next produce goes straight through.
    const [next] = await noRetry.send({ topic, messages: [{ value: 'clean' }] });
    expect(next?.errorCode).toBe(0);
  });

  it('delays responses with setRtt', async () => {
    const topic = topicName('rtt');
    await cluster.createTopic(topic, 1);
    await cluster.setPartitionLeader(topic, 0, 1);
    const p = await producer();
    await p.send({ topic, messages: [{ value: 'warm-up' }] });
    await cluster.setRtt(1, 300);
    try {
      const started = Date.now();
      await p.send({ topic, messages: [{ value: 'slow' }] });
      expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    } finally {
      await cluster.setRtt(1, 0);
    }
  });

  it('rejects bad commands with the ERR text and keeps serving', async () => {
    const topic = topicName('dup');
    await cluster.createTopic(topic, 1);
    await expect(cluster.createTopic(topic, 1)).rejects.toThrow(/TOPIC_ALREADY_EXISTS/);
    await expect(cluster.brokerDown(42)).rejects.toThrow(/unknown broker 42/);
    await expect(cluster.createTopic('has space')).rejects.toThrow(/invalid topic name/);
    const err = await cluster.setRtt(0, 5).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MockKafkaClusterError);
    expect((err as MockKafkaClusterError).reason).toMatch(/^unknown broker 0/);
    expect((err as MockKafkaClusterError).command).toBe('rtt 0 5');
    // Commands issued together are answered in order.
    const results = await Promise.allSettled([
      cluster.ping(),
      cluster.createTopic(topic, 1),
      cluster.ping(),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  describe('librdkafka 2.0.x mock quirks the platform must live with', () => {
    it('auto-creates unknown topics (4 partitions) even with allowAutoTopicCreation: false', async () => {
      // The mock speaks Metadata v0-2 only, which has no AllowAutoTopicCreation flag.
      const topic = topicName('auto');
      const p = await producer(FAIL_FAST_RETRY);
      const [result] = await p.send({ topic, messages: [{ value: 'x' }] });
      expect(result?.errorCode).toBe(0);
      const admin = kafka.admin();
      await admin.connect();
      cleanups.push(() => admin.disconnect());
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(topics[0]?.partitions).toHaveLength(4);
    });

    it('reports controller 0, so kafkajs idempotent producers and admin.createTopics fail', async () => {
      const admin = kafka.admin();
      await admin.connect();
      cleanups.push(() => admin.disconnect());
      expect((await admin.describeCluster()).controller).toBe(0);
      await expect(admin.createTopics({ topics: [{ topic: topicName('admin') }] })).rejects.toThrow(
        /Broker 0 not found/,
      );
      const idempotent = kafka.producer({ idempotent: true, retry: FAIL_FAST_RETRY });
      cleanups.push(() => idempotent.disconnect());
      await expect(idempotent.connect()).rejects.toThrow(/Broker 0 not found/);
    });
  });

  it('stop() ends the process, is idempotent, and later commands reject', async () => {
    const own = await MockKafkaCluster.start({ brokers: 1, binaryPath });
    expect(own.brokers).toHaveLength(1);
    const pid = own.pid;
    expect(isAlive(pid)).toBe(true);
    await own.ping();
    await Promise.all([own.stop(), own.stop()]);
    await own.stop();
    expect(() => process.kill(pid, 0)).toThrow();
    await expect(own.ping()).rejects.toThrow(/stopped|exited/);
  });

  it('rejects the pending command when the process dies', async () => {
    const own = await MockKafkaCluster.start({ brokers: 1, binaryPath });
    try {
      await own.setRtt(1, 0);
      process.kill(own.pid, 'SIGKILL');
      await expect(own.ping()).rejects.toThrow(/exited \(signal SIGKILL\)/);
    } finally {
      await own.stop();
    }
    expect(isAlive(own.pid)).toBe(false);
  });

  it('exits cleanly on SIGTERM', async () => {
    const own = await MockKafkaCluster.start({ brokers: 1, binaryPath });
    process.kill(own.pid, 'SIGTERM');
    await waitFor('process to exit', () => !isAlive(own.pid), 5_000);
    await own.stop();
  });

  it('fails start with the exit status and stderr when the binary dies before READY', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-mock-'));
    const fake = path.join(dir, 'fake-cluster');
    fs.writeFileSync(fake, '#!/bin/sh\necho "cannot bind: simulated" >&2\nexit 3\n', { mode: 0o755 });
    try {
      await expect(MockKafkaCluster.start({ binaryPath: fake })).rejects.toThrow(
        /exited before READY \(code 3\)[\s\S]*cannot bind: simulated/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains how to build when the binary is missing', async () => {
    await expect(MockKafkaCluster.start({ binaryPath: '/nonexistent/kafka-mock-cluster' })).rejects.toThrow(
      /test\/kafka-broker\/build\.sh/,
    );
  });
});
