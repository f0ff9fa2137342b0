import { randomBytes } from 'node:crypto';
import { DEAD_LETTER_HEADERS } from '@vigil/contracts';
import type { Platform } from '@vigil/cli';
import { expectEventually, otlpLogsRequest, useTestBroker, useTestDatabase } from '@vigil/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { getJson, listLogs, startTestPlatform } from './platform-fixture';

/**
 * The walking skeleton on the real backbone: OTLP bytes from the OpenTelemetry SDK's own
 * serializer → Kafka (librdkafka mock cluster, or KAFKA_BROKERS) → ingest → PostgreSQL → HTTP.
 */
describe('walking skeleton: Kafka + PostgreSQL', () => {
  const kafka = useTestBroker({ brokers: 3 });
  const pg = useTestDatabase({ migrate: false });
  let platform: Platform;
  let producer: Producer;
  let logsTopic: string;
  let deadLetterTopic: string;

  beforeAll(async () => {
    logsTopic = await kafka.createTopic(undefined, 1);
    deadLetterTopic = await kafka.createTopic(undefined, 1);
    ({ platform } = await startTestPlatform({
      DATABASE_URL: pg.url,
      KAFKA_BROKERS: kafka.brokers.join(','),
      VIGIL_TOPIC_OTLP_LOGS: logsTopic,
      VIGIL_TOPIC_DEAD_LETTER: deadLetterTopic,
      VIGIL_INGEST_GROUP: `ingest-${randomBytes(4).toString('hex')}`,
      // The mock cluster's rebalances take the session timeout; keep them short.
      KAFKA_SESSION_TIMEOUT_MS: '3000',
      KAFKA_HEARTBEAT_INTERVAL_MS: '500',
    }));
    // As the Collector's kafka exporter would: a plain producer, one export request per message.
    producer = new Kafka({
      clientId: 'otel-collector',
      brokers: kafka.brokers,
      logLevel: logLevel.NOTHING,
      retry: { initialRetryTime: 200, maxRetryTime: 1000, retries: 30 },
    }).producer({ allowAutoTopicCreation: false });
    await producer.connect();
    await expectEventually(async () => expect((await getJson(`${platform.url}/readyz`)).status).toBe(200), { timeoutMs: 30000 });
  });

  afterAll(async () => {
    await producer?.disconnect();
    await platform?.stop();
  });

  it('stores a log record produced by the OpenTelemetry SDK and serves it over HTTP', async () => {
    const traceId = randomBytes(16).toString('hex');
    const spanId = randomBytes(8).toString('hex');
    const value = otlpLogsRequest([
      {
        service: 'payments',
        body: 'charge declined: insufficient funds',
        severityNumber: 17,
        severityText: 'ERROR',
        attributes: { 'payment.amount_cents': 4200, 'payment.currency': 'EUR' },
        traceId,
        spanId,
      },
    ]);
    await producer.send({ topic: logsTopic, messages: [{ value }] });
    const [log] = await expectEventually(async () => {
      const items = await listLogs(platform, `traceId=${traceId}`);
      expect(items).toHaveLength(1);
      return items;
    });
    expect(log).toMatchObject({
      service: 'payments',
      body: 'charge declined: insufficient funds',
      severityText: 'ERROR',
      attributes: { 'payment.amount_cents': 4200, 'payment.currency': 'EUR' },
      traceId,
      spanId,
    });
    expect(log?.source).toMatch(new RegExp(`^${logsTopic.replace('.', '\\.')}/0@\\d+$`));
  });

  it('dead-letters a malformed message with the reason, and the good ones around it still land', async () => {
    const marker = randomBytes(4).toString('hex');
    const good = (n: number) => otlpLogsRequest([{ service: `dlq-${marker}`, body: `good ${n}` }]);
    const garbage = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]);
    await producer.send({ topic: logsTopic, messages: [{ value: good(1) }, { value: garbage, headers: { origin: marker } }, { value: good(2) }] });
    await expectEventually(async () => {
      const items = await listLogs(platform, `service=dlq-${marker}`);
      expect(items.map((i) => i.body).sort()).toEqual(['good 1', 'good 2']);
    });
    const deadLetters: { value: Buffer; headers: Record<string, string> }[] = [];
    const dead = await platform.bus.subscribe({ groupId: `dlq-reader-${marker}`, topics: [deadLetterTopic], handler: async (batch) => void deadLetters.push(...batch) });
    try {
      const letter = await expectEventually(() => {
        const found = deadLetters.find((m) => m.headers['origin'] === marker);
        expect(found).toBeDefined();
        return found!;
      });
      expect(letter.value.equals(garbage)).toBe(true);
      expect(letter.headers[DEAD_LETTER_HEADERS.code]).toBe('malformed_protobuf');
      expect(letter.headers[DEAD_LETTER_HEADERS.reason]).toMatch(/\S/);
      expect(letter.headers[DEAD_LETTER_HEADERS.sourceTopic]).toBe(logsTopic);
    } finally {
      await dead.stop();
    }
  });

  it('stores a message delivered twice exactly once', async () => {
    const marker = randomBytes(4).toString('hex');
    const value = otlpLogsRequest([
      { service: `dup-${marker}`, body: 'first' },
      { service: `dup-${marker}`, body: 'second' },
    ]);
    // A producer retry after a lost acknowledgement writes the same request twice.
    await producer.send({ topic: logsTopic, messages: [{ value }, { value }] });
    await expectEventually(async () => expect(await listLogs(platform, `service=dup-${marker}`)).toHaveLength(2));
    await new Promise((r) => setTimeout(r, 500));
    const { rows } = await platform.db.query<{ n: string }>('SELECT count(*)::text AS n FROM log_records WHERE service = $1', [`dup-${marker}`]);
    expect(rows[0]?.n).toBe('2');
  });

  it('delivers a record produced while the partition leader is down, once it is back, exactly once', async () => {
    const faults = kafka.faults;
    if (!faults) {
      // A real cluster (KAFKA_BROKERS) cannot take broker faults from a test.
      return;
    }
    const marker = randomBytes(4).toString('hex');
    await faults.setPartitionLeader(logsTopic, 0, 2);
    await new Promise((r) => setTimeout(r, 300));
    await faults.brokerDown(2);
    const sending = producer.send({ topic: logsTopic, messages: [{ value: otlpLogsRequest([{ service: `outage-${marker}`, body: 'sent during the outage' }]) }] });
    await new Promise((r) => setTimeout(r, 2500));
    expect(await listLogs(platform, `service=outage-${marker}`)).toEqual([]);
    await faults.brokerUp(2);
    await sending;
    await expectEventually(async () => expect(await listLogs(platform, `service=outage-${marker}`)).toHaveLength(1), { timeoutMs: 30000 });
    await new Promise((r) => setTimeout(r, 1000));
    const { rows } = await platform.db.query<{ n: string }>('SELECT count(*)::text AS n FROM log_records WHERE service = $1', [`outage-${marker}`]);
    expect(rows[0]?.n).toBe('1');
  });
});
