// Before kafkajs loads: it must pick up the faster checksum (see kafkajs-crc32c.ts).
import './kafkajs-crc32c';
import { Kafka, logLevel, type Consumer, type KafkaConfig, type Producer, type SASLOptions } from 'kafkajs';
import { runBatch } from './batch-runner';
import type { BusMessage, MessageBus, OutgoingMessage, SubscribeOptions, Subscription, TopicSpec } from './message-bus';
import { sleep } from './notifier';

export interface KafkaBusOptions {
  brokers: readonly string[];
  clientId?: string;
  ssl?: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  /** Longest a consumer fetch waits for data; the librdkafka mock needs it small. */
  maxWaitTimeInMs?: number;
  /** Offset namespace (default 'kafka'); set one per cluster if several feed one database. */
  namespace?: string;
  /**
   * Batches from different partitions handled at once per consumer (default 1). Above 1, one
   * batch's database wait overlaps another's decoding; order within a partition is kept.
   */
  partitionsConcurrently?: number;
  rebalanceTimeoutMs?: number;
  /** Consumer group timing; smaller values make rebalances faster (tests, small clusters). */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** How long a publish keeps retrying through a broker outage before it fails (default 30 s). */
  publishRetryBudgetMs?: number;
  onLog?: (level: 'error' | 'warn' | 'info', message: string, extra: Record<string, unknown>) => void;
}

const toBuffer = (v: string | Buffer): Buffer => (typeof v === 'string' ? Buffer.from(v) : v);

function headersOf(raw: Record<string, unknown> | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw ?? {})) {
    if (v === undefined) continue;
    headers[k] = Array.isArray(v) ? String(v[v.length - 1]) : String(v);
  }
  return headers;
}

/** The production bus: kafkajs, commit after the handler succeeds, at-least-once, DLQ for poison. */
export class KafkaBus implements MessageBus {
  readonly kind = 'kafka' as const;
  readonly namespace: string;
  private readonly kafka: Kafka;
  private producerReady: Promise<Producer> | undefined;
  private readonly subscriptions = new Set<Subscription>();

  constructor(private readonly options: KafkaBusOptions) {
    this.namespace = options.namespace ?? 'kafka';
    const config: KafkaConfig = {
      clientId: options.clientId ?? 'vigil',
      brokers: [...options.brokers],
      ssl: options.ssl ?? false,
      connectionTimeout: 3000,
      requestTimeout: 10000,
      retry: { initialRetryTime: 100, maxRetryTime: 2000, retries: 8 },
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => {
        const level = entry.level <= logLevel.ERROR ? 'error' : entry.level === logLevel.WARN ? 'warn' : 'info';
        const { message, ...extra } = entry.log;
        options.onLog?.(level, `kafkajs ${entry.namespace}: ${message}`, extra);
      },
    };
    if (options.sasl) config.sasl = options.sasl as SASLOptions;
    this.kafka = new Kafka(config);
  }

  async ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.name));
      if (missing.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((t) => ({ topic: t.name, numPartitions: t.partitions ?? 3 })),
        });
      }
    } finally {
      await admin.disconnect();
    }
  }

  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.getProducer();
    const payload = messages.map((m) => ({
      key: m.key === undefined || m.key === null ? null : toBuffer(m.key),
      value: toBuffer(m.value),
      headers: m.headers ?? {},
    }));
    const deadline = Date.now() + (this.options.publishRetryBudgetMs ?? 30000);
    // kafkajs gives up after its own retries; a broker outage can outlast them, so keep going
    // within a time budget rather than failing the caller's batch on a transient fault.
    for (let attempt = 1; ; attempt++) {
      try {
        await producer.send({ topic, messages: payload, acks: -1 });
        return;
      } catch (error) {
        const retriable = (error as { retriable?: boolean }).retriable !== false || (error as Error).name === 'KafkaJSNumberOfRetriesExceeded';
        if (!retriable || Date.now() > deadline) throw error;
        await sleep(Math.min(2000, 100 * attempt));
      }
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    let stopping = false;
    let joined!: () => void;
    const ready = new Promise<void>((resolve) => (joined = resolve));
    // kafkajs gives up on errors it deems fatal (a broker answering a SyncGroup with a protocol
    // error, seen on a rebalance): the member would sit out of its group for good while the process
    // looks healthy. Start a fresh member instead; the batch in flight was never committed.
    const replace = (dead: Consumer, error: Error): void => {
      if (stopping) return;
      this.options.onLog?.('warn', 'kafka consumer crashed and kafkajs will not restart it; starting a new member', { groupId: options.groupId, error: error.message });
      void (async () => {
        await dead.disconnect().catch(() => undefined);
        while (!stopping) {
          await sleep(500);
          try {
            const fresh = await this.startConsumer(options, joined, () => stopping, replace);
            if (stopping) await fresh.disconnect().catch(() => undefined);
            else consumer = fresh;
            return;
          } catch (startError) {
            this.options.onLog?.('warn', 'could not start a new kafka consumer; retrying', { groupId: options.groupId, error: (startError as Error).message });
            await sleep(1500);
          }
        }
      })();
    };
    let consumer = await this.startConsumer(options, joined, () => stopping, replace);
    const subscription: Subscription = {
      ready,
      stop: async () => {
        if (stopping) return;
        stopping = true;
        // disconnect() waits for the running eachBatch to return, then leaves the group.
        await consumer.disconnect();
        this.subscriptions.delete(subscription);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  private async startConsumer(options: SubscribeOptions, joined: () => void, isStopping: () => boolean, onFatalCrash: (consumer: Consumer, error: Error) => void): Promise<Consumer> {
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      maxWaitTimeInMs: this.options.maxWaitTimeInMs ?? 100,
      allowAutoTopicCreation: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30000,
      // How long a rebalance waits for members to rejoin; a member that died mid-rebalance holds
      // the whole group for this long, so keep it a few session timeouts rather than a minute.
      rebalanceTimeout: this.options.rebalanceTimeoutMs ?? 60000,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 3000,
      retry: { initialRetryTime: 100, maxRetryTime: 2000, retries: 1000 },
    });
    consumer.on(consumer.events.GROUP_JOIN, () => joined());
    // Registered before run(): the first join happens inside it, and so can the first crash.
    consumer.on(consumer.events.CRASH, (event) => {
      if (!event.payload.restart && !isStopping()) onFatalCrash(consumer, event.payload.error);
    });
    await consumer.connect();
    for (const topic of options.topics) await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 1,
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset, commitOffsetsIfNecessary }) => {
        const messages: BusMessage[] = batch.messages.map((m) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: m.offset,
          key: m.key ?? null,
          value: m.value ?? Buffer.alloc(0),
          headers: headersOf(m.headers as Record<string, unknown> | undefined),
          timestamp: m.timestamp,
        }));
        const size = options.maxBatchSize ?? 500;
        // A slow database or a retry backoff can outlast the session timeout: keep heartbeating
        // while the handler works, or the group evicts this member and the batch is redone.
        const beat = setInterval(() => void heartbeat().catch(() => undefined), Math.max(100, (this.options.heartbeatIntervalMs ?? 3000) / 2));
        try {
          for (let i = 0; i < messages.length; i += size) {
            const chunk = messages.slice(i, i + size);
            const done = await runBatch(chunk, {
              options,
              publish: (t, m) => this.publish(t, m),
              isActive: () => !isStopping() && isRunning() && !isStale(),
              context: { highWatermark: batch.highWatermark },
              sleep,
            });
            // Not done: stopping or the partition moved; leave it uncommitted for the next owner.
            if (!done) return;
            const last = chunk[chunk.length - 1] as BusMessage;
            resolveOffset(last.offset);
            // The batch-scoped commit, not consumer.commitOffsets: that one is silently skipped once
            // stop() began, and stop() is exactly when the in-flight batch must still commit.
            await commitOffsetsIfNecessary({
              topics: [{ topic: last.topic, partitions: [{ partition: last.partition, offset: (BigInt(last.offset) + 1n).toString() }] }],
            });
            await heartbeat();
          }
        } finally {
          clearInterval(beat);
        }
      },
    });
    return consumer;
  }

  async shutdown(): Promise<void> {
    await Promise.allSettled([...this.subscriptions].map((s) => s.stop()));
    if (this.producerReady) {
      const producer = await this.producerReady.catch(() => undefined);
      await producer?.disconnect().catch(() => undefined);
    }
    this.producerReady = undefined;
  }

  private getProducer(): Promise<Producer> {
    if (!this.producerReady) {
      const producer = this.kafka.producer({ allowAutoTopicCreation: false, idempotent: false });
      this.producerReady = producer.connect().then(() => producer);
      this.producerReady.catch(() => (this.producerReady = undefined));
    }
    return this.producerReady;
  }
}

