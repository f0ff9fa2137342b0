import { randomBytes } from 'node:crypto';
import { DEAD_LETTER_HEADERS, signalBatchSchema, type SignalBatch } from '@vigil/contracts';
import type { Platform } from '@vigil/cli';
import type { BusMessage } from '@vigil/bus';
import { expectEventually, KAFKA_API_KEYS, KAFKA_ERROR_CODES, otlpLogsRequest, TcpProxy, useTestBroker, useTestDatabase } from '@vigil/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { startTestPlatform } from '../e2e/platform-fixture';
import { ingestEnv, makeWorkload, rollupTotals, type Workload } from './ingest-accounting';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Ingestion on the real backbone: every record produced is accounted for exactly once in the
 * rollups, whatever the broker, the database or the consumer group does meanwhile.
 */
describe('ingest: Kafka → rollups, exactly once', () => {
  // Declared before the broker and database helpers so it runs before their teardown.
  afterAll(async () => {
    await producer?.disconnect();
    await platform?.stop();
    await proxy?.stop();
  });
  const kafka = useTestBroker({ brokers: 3 });
  const pg = useTestDatabase({ migrate: false });
  let proxy: TcpProxy;
  let platform: Platform;
  let producer: Producer;
  const topics = { logs: '', metrics: '', spans: '', signals: '', dlq: '' };
  const signals: BusMessage[] = [];
  const dead: BusMessage[] = [];
  let groupId: string;

  beforeAll(async () => {
    for (const name of Object.keys(topics) as (keyof typeof topics)[]) topics[name] = await kafka.createTopic(`${name}.${randomBytes(3).toString('hex')}`, 3);
    const target = new URL(pg.url);
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    target.port = String(proxy.port);
    groupId = `ingest-${randomBytes(4).toString('hex')}`;
    ({ platform } = await startTestPlatform({
      ...ingestEnv({ databaseUrl: target.toString(), brokers: kafka.brokers, topics, group: groupId }),
      VIGIL_MAX_MESSAGE_BYTES: String(4 * 1024 * 1024),
    }));
    await platform.bus.subscribe({ groupId: `signals-${groupId}`, topics: [topics.signals], handler: async (b) => void signals.push(...b) });
    await platform.bus.subscribe({ groupId: `dlq-${groupId}`, topics: [topics.dlq], handler: async (b) => void dead.push(...b) });
    producer = new Kafka({ clientId: 'otel-collector', brokers: kafka.brokers, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 60 } }).producer();
    await producer.connect();
    await expectEventually(async () => expect((await fetch(`${platform.url}/readyz`)).status).toBe(200), { timeoutMs: 30000 });
  });

  /** Produces the workload a few messages at a time, so a fault can land mid-stream. */
  async function produce(w: Workload, during?: (step: number) => Promise<void>): Promise<void> {
    const steps = w.logs.length;
    for (let i = 0; i < steps; i++) {
      await during?.(i);
      await producer.send({ topic: topics.logs, messages: [{ value: w.logs[i] as Buffer }] });
      await producer.send({ topic: topics.spans, messages: [{ value: w.spans[i] as Buffer }] });
      await producer.send({ topic: topics.metrics, messages: [{ value: w.metrics[i] as Buffer }] });
    }
  }

  async function expectExactTotals(w: Workload): Promise<void> {
    await expectEventually(async () => expect(await rollupTotals(platform.db, w.service)).toEqual(w.expected), { timeoutMs: 60000, intervalMs: 200 });
    // Stay equal: nothing arrives twice later (a redelivery would show up now).
    await sleep(1500);
    expect(await rollupTotals(platform.db, w.service)).toEqual(w.expected);
  }

  it('accounts for every log record, span and metric point exactly once', async () => {
    const w = await makeWorkload(`svc-${randomBytes(3).toString('hex')}`, 12);
    await produce(w);
    await expectExactTotals(w);
    const { rows } = await platform.db.query<{ n: string }>('SELECT count(*)::text AS n FROM log_records WHERE service = $1', [w.service]);
    expect(Number(rows[0]?.n)).toBeGreaterThan(0);
    expect(Number(rows[0]?.n)).toBeLessThan(w.expected.logRecords);
  });

  it('hands records off to detection keyed by service, with their source offsets', async () => {
    const service = `keyed-${randomBytes(3).toString('hex')}`;
    await producer.send({ topic: topics.logs, messages: [{ value: otlpLogsRequest([{ service, body: 'hello' }, { service: `${service}-b`, body: 'other' }]) }] });
    const batches = await expectEventually(() => {
      const found = signals.map((m) => ({ m, s: signalBatchSchema.parse(JSON.parse(m.value.toString())) as SignalBatch })).filter((x) => x.s.service.startsWith(service));
      expect(found).toHaveLength(2);
      return found;
    });
    for (const { m, s } of batches) {
      expect(m.key?.toString()).toBe(s.service);
      expect(s.kind).toBe('logs');
      expect(s.source.topic).toBe(topics.logs);
    }
  });

  const badInputs: [string, () => Buffer, string][] = [
    ['malformed protobuf', () => Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), 'malformed_protobuf'],
    ['a truncated message', () => { const full = otlpLogsRequest([{ service: 'x', body: 'a long enough body to truncate' }]); return full.subarray(0, full.length - 7); }, 'malformed_protobuf'],
    ['JSON on a protobuf topic', () => otlpLogsRequest([{ service: 'x', body: 'json' }], 'otlp_json'), 'malformed_protobuf'],
  ];
  it.each(badInputs)('dead-letters %s with its reason, and the good messages around it still count', async (_name, bad, code) => {
    const service = `dlq-${randomBytes(3).toString('hex')}`;
    const marker = randomBytes(4).toString('hex');
    const good = (n: number) => otlpLogsRequest(Array.from({ length: n }, (_, i) => ({ service, body: `good ${i}` })));
    await producer.send({ topic: topics.logs, messages: [{ value: good(3), key: 'k' }, { value: bad(), key: 'k', headers: { marker } }, { value: good(4), key: 'k' }] });
    const letter = await expectEventually(() => {
      const found = dead.find((m) => m.headers['marker'] === marker);
      expect(found).toBeDefined();
      return found as BusMessage;
    }, { timeoutMs: 30000 });
    expect(letter.headers[DEAD_LETTER_HEADERS.code]).toBe(code);
    expect(letter.headers[DEAD_LETTER_HEADERS.reason]?.length).toBeGreaterThan(5);
    expect(letter.headers[DEAD_LETTER_HEADERS.sourceTopic]).toBe(topics.logs);
    expect(letter.headers[DEAD_LETTER_HEADERS.sourcePartition]).toMatch(/^\d+$/);
    expect(letter.headers[DEAD_LETTER_HEADERS.sourceOffset]).toMatch(/^\d+$/);
    await expectEventually(async () => expect((await rollupTotals(platform.db, service)).logRecords).toBe(7));
  }, 60000);

  it('accepts unknown fields, as protobuf and OTLP/JSON require for forward compatibility', async () => {
    const service = `unknown-${randomBytes(3).toString('hex')}`;
    // Field 99 (varint) appended to a valid request: a newer producer's field this decoder does not know.
    const withUnknown = Buffer.concat([otlpLogsRequest([{ service, body: 'from the future' }]), Buffer.from([0x98, 0x06, 0x01])]);
    await producer.send({ topic: topics.logs, messages: [{ value: withUnknown }] });
    await expectEventually(async () => expect((await rollupTotals(platform.db, service)).logRecords).toBe(1));
  });

  it('loses and doubles nothing while a partition leader is down and back', async () => {
    const faults = kafka.faults;
    if (!faults) return; // a real cluster cannot take faults from a test
    const w = await makeWorkload(`down-${randomBytes(3).toString('hex')}`, 10);
    await produce(w, async (step) => {
      if (step === 3) {
        await faults.setPartitionLeader(topics.logs, 0, 2);
        await faults.setPartitionLeader(topics.spans, 1, 2);
        await sleep(200);
        await faults.brokerDown(2);
        setTimeout(() => void faults.brokerUp(2), 2000);
      }
    });
    await expectExactTotals(w);
  }, 120000);

  it('loses and doubles nothing through partition leader changes', async () => {
    const faults = kafka.faults;
    if (!faults) return;
    const w = await makeWorkload(`leader-${randomBytes(3).toString('hex')}`, 10);
    await produce(w, async (step) => {
      for (const topic of [topics.logs, topics.metrics, topics.spans]) {
        await faults.setPartitionLeader(topic, step % 3, (step % 3) + 1);
      }
    });
    await expectExactTotals(w);
  }, 120000);

  it('loses and doubles nothing with injected produce and fetch errors', async () => {
    const faults = kafka.faults;
    if (!faults) return;
    const w = await makeWorkload(`errors-${randomBytes(3).toString('hex')}`, 10);
    await produce(w, async (step) => {
      if (step % 3 === 1) {
        await faults.pushRequestErrors(KAFKA_API_KEYS.Produce, [KAFKA_ERROR_CODES.NOT_LEADER_OR_FOLLOWER, KAFKA_ERROR_CODES.REQUEST_TIMED_OUT]);
        await faults.pushRequestErrors(KAFKA_API_KEYS.Fetch, [KAFKA_ERROR_CODES.NOT_LEADER_OR_FOLLOWER, KAFKA_ERROR_CODES.LEADER_NOT_AVAILABLE]);
      }
    });
    await expectExactTotals(w);
  }, 120000);

  it('loses and doubles nothing when every PostgreSQL connection is cut mid-stream', async () => {
    const w = await makeWorkload(`pgcut-${randomBytes(3).toString('hex')}`, 10);
    await produce(w, async (step) => {
      if (step === 4) {
        proxy.cut();
        setTimeout(() => proxy.restore(), 2500);
      }
    });
    await expectExactTotals(w);
  }, 120000);

  it('loses and doubles nothing through a consumer-group rebalance under load', async () => {
    const w = await makeWorkload(`rebalance-${randomBytes(3).toString('hex')}`, 12);
    // A second ingest process joining and leaving: same group, same database.
    const { platform: second } = await startTestPlatform(ingestEnv({ databaseUrl: pg.url, brokers: kafka.brokers, topics, group: groupId }));
    let stopped = false;
    try {
      await produce(w, async (step) => {
        if (step === 8) {
          await second.stop();
          stopped = true;
        }
      });
      await expectExactTotals(w);
    } finally {
      if (!stopped) await second.stop();
    }
  }, 120000);
});
