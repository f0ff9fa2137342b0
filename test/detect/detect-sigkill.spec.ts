import { randomBytes } from 'node:crypto';
import { createPostgresDatabase, type Database } from '@vigil/store';
import { expectEventually, otlpLogsRequest, useTestBroker, useTestDatabase } from '@vigil/testing';
import type { Producer } from 'kafkajs';
import { useWorkerProcesses } from '../harness/worker-processes';
import { collectorProducer, createPipelineTopics, pipelineEnv } from '../harness/pipeline-backbone';
import { everydayLines, MINUTE_MS } from './log-traffic';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The detect worker killed with SIGKILL mid-stream (separate processes, as in production): its
 * successor resumes from the checkpoints with the same templates and counts every line once.
 */
describe('detect: a worker killed with SIGKILL mid-stream', () => {
  const workers = useWorkerProcesses();
  const kafka = useTestBroker({ brokers: 1 });
  const pg = useTestDatabase();
  let db: Database;
  let producer: Producer;

  afterAll(async () => {
    await producer?.disconnect();
    await db?.close();
  });

  it('counts every line exactly once per template and keeps template ids after a kill -9', async () => {
    const topics = await createPipelineTopics(kafka, { logs: 2 });
    const env = await pipelineEnv(kafka, pg.url, topics);
    const start = (command: string) => workers.start(command, env);
    db = await createPostgresDatabase({ url: pg.url, poolSize: 2 });
    producer = await collectorProducer(kafka.brokers);

    const services = ['ledger', 'checkout'].map((s) => `${s}-${randomBytes(3).toString('hex')}`);
    const base = Math.floor((Date.now() - 60 * MINUTE_MS) / MINUTE_MS) * MINUTE_MS;
    const totals = async (): Promise<{ lines: number; templates: number }> => {
      const counted = await db.query<{ n: string }>('SELECT coalesce(sum(count), 0)::text AS n FROM log_template_counts_1m WHERE service = ANY($1)', [services]);
      const live = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM log_templates WHERE service = ANY($1) AND merged_into IS NULL', [services]);
      return { lines: Number(counted.rows[0]?.n), templates: Number(live.rows[0]?.n) };
    };

    start('ingest');
    const detect = start('detect-worker');
    let produced = 0;
    const produceAll = (async () => {
      for (let m = 0; m < 40; m++) {
        const lines = services.flatMap((service) => everydayLines(service, base + m * MINUTE_MS, 30, m));
        produced += lines.length;
        await producer.send({ topic: topics.logs, messages: [{ value: otlpLogsRequest(lines) }] });
        await sleep(40);
      }
    })();
    await expectEventually(async () => expect((await totals()).lines).toBeGreaterThan(0), { timeoutMs: 30000, intervalMs: 20 });
    detect.kill('SIGKILL');
    const partial = await totals();
    expect(partial.lines).toBeLessThan(40 * 60);
    const idsBefore = (await db.query<{ service: string; template_id: number; template: string }>('SELECT service, template_id, template FROM log_templates WHERE service = ANY($1)', [services])).rows;
    start('detect-worker');
    await produceAll;
    await expectEventually(async () => expect((await totals()).lines).toBe(produced), { timeoutMs: 60000, intervalMs: 250 });
    await sleep(1500);
    // Three logging statements per service: three templates each, not re-learnt after the restart.
    expect(await totals()).toEqual({ lines: produced, templates: 6 });
    const { rows } = await db.query<{ n: string }>('SELECT coalesce(sum(count), 0)::text AS n FROM log_templates WHERE service = ANY($1)', [services]);
    expect(Number(rows[0]?.n)).toBe(produced);
    const idsAfter = (await db.query<{ service: string; template_id: number }>('SELECT service, template_id FROM log_templates WHERE service = ANY($1)', [services])).rows;
    for (const before of idsBefore) expect(idsAfter).toContainEqual({ service: before.service, template_id: before.template_id });
  }, 120000);
});
