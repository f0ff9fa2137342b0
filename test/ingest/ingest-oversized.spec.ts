import { randomBytes } from 'node:crypto';
import { DEAD_LETTER_HEADERS } from '@vigil/contracts';
import type { Platform } from '@vigil/cli';
import type { BusMessage } from '@vigil/bus';
import { expectEventually, otlpLogsRequest, useTestBroker, useTestDatabase } from '@vigil/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { startTestPlatform } from '../e2e/platform-fixture';
import { ingestEnv, rollupTotals } from './ingest-accounting';

/**
 * A 10 MB message, over the configured limit. Its own cluster: the librdkafka mock keeps only
 * ~4 MiB per partition and trims older data, so a 10 MB message would disturb other suites' data
 * (a real broker would refuse it at produce time unless message.max.bytes allows it).
 */
describe('ingest: an oversized message', () => {
  afterAll(async () => {
    await producer?.disconnect();
    await platform?.stop();
  });
  const kafka = useTestBroker({ brokers: 1 });
  const pg = useTestDatabase({ migrate: false });
  let platform: Platform;
  let producer: Producer;

  it('is dead-lettered as oversized (payload cut to 1 MiB, original size in a header), and the good messages around it count', async () => {
    const topics = {
      logs: await kafka.createTopic(undefined, 2),
      metrics: await kafka.createTopic(undefined, 1),
      spans: await kafka.createTopic(undefined, 1),
      signals: await kafka.createTopic(undefined, 1),
      dlq: await kafka.createTopic(undefined, 1),
    };
    ({ platform } = await startTestPlatform({
      ...ingestEnv({ databaseUrl: pg.url, brokers: kafka.brokers, topics, group: `ingest-${randomBytes(4).toString('hex')}` }),
      VIGIL_MAX_MESSAGE_BYTES: String(4 * 1024 * 1024),
    }));
    const dead: BusMessage[] = [];
    await platform.bus.subscribe({ groupId: 'dlq-reader', topics: [topics.dlq], handler: async (b) => void dead.push(...b) });
    producer = new Kafka({ clientId: 'otel-collector', brokers: kafka.brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const service = `big-${randomBytes(3).toString('hex')}`;
    const good = (n: number) => otlpLogsRequest(Array.from({ length: n }, (_, i) => ({ service, body: `good ${i}` })));
    // Nothing follows the big message in its partition (the mock would trim it away, see above);
    // the good messages after it go to the topic's other partition.
    await producer.send({ topic: topics.logs, messages: [{ value: good(3), partition: 0 }, { value: Buffer.alloc(10 * 1024 * 1024, 0x41), headers: { marker: 'big' }, partition: 0 }] });
    const letter = await expectEventually(() => {
      const found = dead.find((m) => m.headers['marker'] === 'big');
      expect(found).toBeDefined();
      return found as BusMessage;
    }, { timeoutMs: 30000 });
    expect(letter.headers[DEAD_LETTER_HEADERS.code]).toBe('oversized');
    expect(letter.headers[DEAD_LETTER_HEADERS.reason]).toMatch(/10485760 bytes, over the 4194304-byte limit/);
    expect(letter.headers[DEAD_LETTER_HEADERS.truncatedFrom]).toBe(String(10 * 1024 * 1024));
    expect(letter.value.length).toBe(1024 * 1024);
    await producer.send({ topic: topics.logs, messages: [{ value: good(4), partition: 1 }] });
    await expectEventually(async () => expect((await rollupTotals(platform.db, service)).logRecords).toBe(7), { timeoutMs: 30000 });
  }, 90000);
});
