import { randomBytes } from 'node:crypto';
import { createPostgresDatabase, type Database } from '@vigil/store';
import { expectEventually, otlpTracesRequest, useTestBroker, useTestDatabase, type SpanFixture } from '@vigil/testing';
import type { Producer } from 'kafkajs';
import { useWorkerProcesses } from '../harness/worker-processes';
import { collectorProducer, createPipelineTopics, pipelineEnv } from '../harness/pipeline-backbone';
import { MINUTE_MS } from './log-traffic';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Metric-side state survives a kill -9: the detect worker is killed while it learns an
 * operation's RED series; its successor resumes from the checkpoint (no cold start, which would
 * put the series back into probation and miss the failure) and reports the failure once.
 */
describe('detect: series detectors resume after SIGKILL', () => {
  const workers = useWorkerProcesses();
  const kafka = useTestBroker({ brokers: 1 });
  const pg = useTestDatabase();
  let db: Database;
  let producer: Producer;
  afterAll(async () => {
    await producer?.disconnect();
    await db?.close();
  });

  it('opens exactly one episode for a failure that starts after the restart, at the right minute', async () => {
    const topics = await createPipelineTopics(kafka);
    const env = await pipelineEnv(kafka, pg.url, topics);
    db = await createPostgresDatabase({ url: pg.url, poolSize: 2 });
    producer = await collectorProducer(kafka.brokers);
    const service = `orders-${randomBytes(3).toString('hex')}`;
    const applied = async (): Promise<number> =>
      Number((await db.query<{ n: string | null }>('SELECT sum(next_offset)::text AS n FROM ingest_offsets WHERE topic = $1', [topics.signals])).rows[0]?.n ?? 0);

    workers.start('ingest', env);
    const detect = workers.start('detect-worker', env);
    const base = Math.floor((Date.now() - 400 * MINUTE_MS) / MINUTE_MS) * MINUTE_MS;
    const failingFrom = 240;
    let seed = 7;
    const random = (): number => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const chunk = (from: number): Buffer => {
      const spans: SpanFixture[] = [];
      for (let m = from; m < from + 10; m++) {
        for (let i = 0; i < 20; i++) {
          const error = m >= failingFrom ? random() < 0.6 : random() < 0.01;
          spans.push({ service, name: 'POST /orders', kind: 'server', durationMs: 30 + Math.floor(random() * 20), error, endMs: base + m * MINUTE_MS + i * 2900 });
        }
      }
      return otlpTracesRequest(spans);
    };
    const produced = (async () => {
      for (let from = 0; from < 270; from += 10) {
        await producer.send({ topic: topics.spans, messages: [{ value: chunk(from) }] });
        await sleep(150);
      }
    })();
    // Kill it after 120+ minutes of event time are learnt and before the failure: a successor
    // that started cold would still be in its 150-minute probation at minute 240 and miss it.
    await expectEventually(async () => expect(await applied()).toBeGreaterThanOrEqual(12), { timeoutMs: 30000, intervalMs: 20 });
    detect.kill('SIGKILL');
    expect(await applied()).toBeLessThan(24);
    workers.start('detect-worker', env);
    await produced;

    const episodes = await expectEventually(async () => {
      const { rows } = await db.query<{ id: string; opened_at: Date; kind: string }>(
        "SELECT id, opened_at, kind FROM anomalies WHERE service = $1 AND fingerprint LIKE '%#errors'",
        [service],
      );
      expect(rows).toHaveLength(1);
      return rows;
    }, { timeoutMs: 60000, intervalMs: 250 });
    expect(episodes[0]?.kind).toBe('span_red');
    const openedAt = new Date(episodes[0]?.opened_at as Date).getTime();
    expect(openedAt).toBeGreaterThanOrEqual(base + failingFrom * MINUTE_MS);
    expect(openedAt).toBeLessThanOrEqual(base + (failingFrom + 3) * MINUTE_MS);
    // Nothing else opened for this service while it was healthy, before or after the kill.
    const { rows } = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM anomalies WHERE service = $1 AND opened_at < $2', [service, new Date(base + failingFrom * MINUTE_MS)]);
    expect(rows[0]?.n).toBe('0');
  }, 120000);
});
