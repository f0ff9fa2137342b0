import { ServiceCallRepository, createPostgresDatabase, type Database } from '@vigil/store';
import { expectEventually, useTestBroker, useTestDatabase, freePort } from '@vigil/testing';
import { randomBytes } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { collectorProducer, createPipelineTopics, pipelineEnv } from '../harness/pipeline-backbone';
import { useWorkerProcesses } from '../harness/worker-processes';
import { anomalyEvent, MINUTE, publishAnomalies } from './anomaly-traffic';

const ready = async (port: number): Promise<boolean> => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status === 200;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Two responder processes in one consumer group share the anomaly topic's partitions, so each
 * sees only part of every failure. They take turns on the responder lock and reload what the other
 * wrote: one incident per failure, no signal in two incidents, unique numbers, even when one of
 * them is killed with SIGKILL mid-stream.
 */
describe('responder: two processes on one stream', () => {
  const workers = useWorkerProcesses();
  const kafka = useTestBroker({ brokers: 1 });
  const pg = useTestDatabase();
  let db: Database;
  let producer: Producer;
  afterAll(async () => {
    await producer?.disconnect();
    await db?.close();
  });

  it('never creates duplicate incidents, before and after one is killed', async () => {
    const anomalies = await kafka.createTopic(undefined, 4);
    const topics = await createPipelineTopics(kafka);
    const env = { ...(await pipelineEnv(kafka, pg.url, topics, anomalies)), VIGIL_RESPONDER_GROUP: `responder-${randomBytes(4).toString('hex')}`, VIGIL_TOPOLOGY_REFRESH_MS: '0' };
    db = await createPostgresDatabase({ url: pg.url, poolSize: 2 });
    // Six failures, each across a chain of three services that call each other; two loners.
    const clusters = Array.from({ length: 6 }, (_, c) => [`edge-${c}`, `api-${c}`, `db-${c}`]);
    const loners = ['cron-a', 'cron-b'];
    await new ServiceCallRepository(db).add(
      clusters.flatMap(([edge, api, store]) => [
        { caller: edge as string, callee: api as string, minuteMs: Date.now() - 3600_000, calls: 100 },
        { caller: api as string, callee: store as string, minuteMs: Date.now() - 3600_000, calls: 100 },
      ]),
    );
    const [firstPort, secondPort] = [await freePort(), await freePort()];
    const first = workers.start('responder-worker', { ...env, PORT: String(firstPort) });
    producer = await collectorProducer(kafka.brokers);
    const t0 = Math.floor((Date.now() - 120 * MINUTE) / MINUTE) * MINUTE;
    const waves = 20;
    const publishAll = async () => {
      for (let wave = 0; wave < waves; wave++) {
        const events = [
          ...clusters.flatMap((services, c) =>
            services.map((service, k) => anomalyEvent(t0, { service, signal: `span:server:op-${k}#p95`, minute: c * 30 + wave, status: wave === 0 ? 'open' : 'update', observed: 900 + wave, expected: 50 })),
          ),
          ...loners.map((service, l) => anomalyEvent(t0, { service, signal: 'cpu', kind: 'metric', minute: 5 + l * 40 + wave, status: wave === 0 ? 'open' : 'update' })),
        ];
        // Reverse order in odd waves: the partitions interleave differently each time.
        await publishAnomalies(producer, anomalies, wave % 2 ? events.reverse() : events);
        await sleep(400);
      }
    };
    await expectEventually(async () => expect(await ready(firstPort)).toBe(true), { timeoutMs: 30000, intervalMs: 100 });
    const publishing = publishAll();
    const second = workers.start('responder-worker', { ...env, PORT: String(secondPort) });
    // Both in the group and sharing the partitions: then one dies mid-stream.
    await expectEventually(async () => expect(await ready(secondPort)).toBe(true), { timeoutMs: 30000, intervalMs: 100 }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\nfirst said:\n${workers.stderr(first)}\nsecond said:\n${workers.stderr(second)}`);
    });
    await sleep(1000);
    first.kill('SIGKILL');
    await publishing;
    const expectedSignals = clusters.length * 3 + loners.length;
    await expectEventually(async () => {
      const { rows } = await db.query<{ n: string; events: string }>('SELECT count(*)::text AS n, coalesce(sum(events), 0)::text AS events FROM incident_signals');
      expect(Number(rows[0]?.n)).toBe(expectedSignals);
      expect(Number(rows[0]?.events)).toBe(expectedSignals * waves);
    }, { timeoutMs: 60000, intervalMs: 250 }).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\nsurviving responder said:\n${workers.stderr(second)}`);
    });
    const live = (await db.query<{ id: string; number: number; services: string[] }>('SELECT id, number, services FROM incidents WHERE merged_into IS NULL')).rows;
    expect(live).toHaveLength(clusters.length + loners.length);
    for (const services of clusters) {
      const holding = live.filter((i) => i.services.some((s) => services.includes(s)));
      expect(holding).toHaveLength(1);
      expect([...holding[0]!.services].sort()).toEqual([...services].sort());
    }
    const doubled = await db.query('SELECT fingerprint FROM incident_signals s JOIN incidents i ON i.id = s.incident_id WHERE i.merged_into IS NULL GROUP BY fingerprint HAVING count(*) > 1');
    expect(doubled.rows).toEqual([]);
    const numbers = (await db.query<{ number: number }>('SELECT number FROM incidents')).rows.map((r) => r.number);
    expect(new Set(numbers).size).toBe(numbers.length);
    second.kill('SIGTERM');
  }, 120000);
});
