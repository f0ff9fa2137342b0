import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createPostgresDatabase, type Database } from '@vigil/store';
import { expectEventually, otlpLogsRequest, TcpProxy, useTestBroker, useTestDatabase } from '@vigil/testing';
import type { Producer } from 'kafkajs';
import { collectorProducer, createPipelineTopics } from '../harness/pipeline-backbone';
import { useWorkerProcesses } from '../harness/worker-processes';
import { ingestEnv } from './ingest-accounting';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rssMiB = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/**
 * PostgreSQL stops answering (every byte held by a proxy) while producers keep going: the worker
 * stops taking new work instead of buffering the backlog — its memory stays flat — and once the
 * database answers again every record lands exactly once.
 */
describe('ingest: memory stays bounded while PostgreSQL is stalled', () => {
  const workers = useWorkerProcesses();
  const kafka = useTestBroker({ brokers: 1 });
  const pg = useTestDatabase();
  let proxy: TcpProxy | undefined;
  let db: Database;
  let producer: Producer;

  afterAll(async () => {
    await producer?.disconnect();
    await db?.close();
    await proxy?.stop();
  });

  it('holds a backlog in Kafka, not in memory, and applies it exactly once afterwards', async () => {
    const partitions = 6;
    const topics = await createPipelineTopics(kafka, { logs: partitions, signals: partitions });
    const target = new URL(pg.url);
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    target.port = String(proxy.port);
    const env = ingestEnv({ databaseUrl: target.toString(), brokers: kafka.brokers, topics, group: `ingest-${randomBytes(4).toString('hex')}` });
    db = await createPostgresDatabase({ url: pg.url, poolSize: 2 });
    producer = await collectorProducer(kafka.brokers);
    const service = `stalled-${randomBytes(3).toString('hex')}`;
    const message = (m: number): Buffer =>
      otlpLogsRequest(
        Array.from({ length: 400 }, (_, i) => ({
          service,
          body: `settlement batch ${m}-${i} posted to ledger account ${(m * 400 + i) % 977} for merchant m-${i % 31}`,
          severityNumber: 9,
          attributes: { 'payment.batch': m, 'payment.item': i, 'merchant.region': 'eu-west-1' },
        })),
      );
    const applied = async (): Promise<number> =>
      Number((await db.query<{ n: string | null }>('SELECT sum(count)::text AS n FROM log_counts_1m WHERE service = $1', [service])).rows[0]?.n ?? 0);
    let produced = 0;
    const produce = async (from: number, to: number): Promise<number> => {
      let bytes = 0;
      for (let m = from; m < to; m++) {
        const value = message(m);
        bytes += value.length;
        await producer.send({ topic: topics.logs, messages: [{ value, partition: m % partitions }] });
        produced += 400;
      }
      return bytes;
    };

    const worker = workers.start('ingest', env);
    await produce(0, 12);
    await expectEventually(async () => expect(await applied()).toBe(produced), { timeoutMs: 60000, intervalMs: 100 });
    await sleep(500);
    const before = rssMiB(worker.pid as number);

    proxy.stall();
    const backlogBytes = await produce(12, 192);
    let peak = before;
    for (let i = 0; i < 24; i++) {
      peak = Math.max(peak, rssMiB(worker.pid as number));
      await sleep(250);
    }
    // Nothing (or at most the batches already in flight) became durable while stalled.
    expect(await applied()).toBeLessThan(produced);
    // The backlog is ~13 MiB of protobuf (~70k records, several times that once decoded); the
    // worker holds only the batches it is working on.
    expect(backlogBytes).toBeGreaterThan(12_000_000);
    expect(peak - before).toBeLessThan(48);

    proxy.unstall();
    await expectEventually(async () => expect(await applied()).toBe(produced), { timeoutMs: 90000, intervalMs: 250 });
    await sleep(1000);
    expect(await applied()).toBe(produced);
  }, 180000);
});
