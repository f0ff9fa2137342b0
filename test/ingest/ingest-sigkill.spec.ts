import { randomBytes } from 'node:crypto';
import { createPostgresDatabase, type Database } from '@vigil/store';
import { expectEventually, useTestBroker, useTestDatabase } from '@vigil/testing';
import type { Producer } from 'kafkajs';
import { collectorProducer, createPipelineTopics } from '../harness/pipeline-backbone';
import { useWorkerProcesses } from '../harness/worker-processes';
import { ingestEnv, makeWorkload, rollupTotals } from './ingest-accounting';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A worker process killed with SIGKILL mid-stream: its successor resumes, nothing lost or doubled. */
describe('ingest: a worker killed with SIGKILL mid-batch', () => {
  // Declared first: jest runs afterAll hooks in order, so the workers die before the broker.
  const workers = useWorkerProcesses();
  const kafka = useTestBroker({ brokers: 1 });
  const pg = useTestDatabase();
  let db: Database;
  let producer: Producer;

  afterAll(async () => {
    await producer?.disconnect();
    await db?.close();
  });

  it('accounts for every record exactly once after a kill -9 and a restart', async () => {
    const topics = await createPipelineTopics(kafka, { logs: 2, metrics: 2, spans: 2 });
    const env = ingestEnv({ databaseUrl: pg.url, brokers: kafka.brokers, topics, group: `ingest-${randomBytes(4).toString('hex')}` });
    const startWorker = () => workers.start('ingest', env);
    db = await createPostgresDatabase({ url: pg.url, poolSize: 2 });
    producer = await collectorProducer(kafka.brokers);

    const w = await makeWorkload(`killed-${randomBytes(3).toString('hex')}`, 30, 50);
    const first = startWorker();
    const produceAll = (async () => {
      for (let i = 0; i < w.logs.length; i++) {
        await producer.send({ topic: topics.logs, messages: [{ value: w.logs[i] as Buffer }] });
        await producer.send({ topic: topics.spans, messages: [{ value: w.spans[i] as Buffer }] });
        await producer.send({ topic: topics.metrics, messages: [{ value: w.metrics[i] as Buffer }] });
        await sleep(30);
      }
    })();
    // Kill it once it has made part of the stream durable, i.e. in the middle of the work.
    await expectEventually(async () => expect((await rollupTotals(db, w.service)).logRecords).toBeGreaterThan(0), { timeoutMs: 30000, intervalMs: 20 });
    first.kill('SIGKILL');
    const partial = await rollupTotals(db, w.service);
    expect(partial.logRecords).toBeLessThan(w.expected.logRecords);
    startWorker();
    await produceAll;
    await expectEventually(async () => expect(await rollupTotals(db, w.service)).toEqual(w.expected), { timeoutMs: 60000, intervalMs: 250 });
    await sleep(1500);
    expect(await rollupTotals(db, w.service)).toEqual(w.expected);
  }, 120000);
});
