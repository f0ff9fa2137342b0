import { randomBytes } from 'node:crypto';
import { anomalyEventSchema, type AnomalyEvent } from '@vigil/contracts';
import type { Platform } from '@vigil/cli';
import { expectEventually, otlpTracesRequest, useTestBroker, useTestDatabase, type SpanFixture } from '@vigil/testing';
import type { Producer } from 'kafkajs';
import { getJson, startTestPlatform } from '../e2e/platform-fixture';
import { collectorProducer, createPipelineTopics, pipelineEnv } from '../harness/pipeline-backbone';
import { MINUTE_MS } from './log-traffic';

/**
 * Trace-derived RED on the real backbone: spans → Kafka → ingest → vigil.signals → detect (one
 * streaming detector per operation's rate, error ratio and p95) → vigil.anomalies and the API.
 */
describe('span RED anomalies on Kafka + PostgreSQL', () => {
  let platform: Platform | undefined;
  let producer: Producer;
  afterAll(async () => {
    await producer?.disconnect();
    await platform?.stop();
  });
  const kafka = useTestBroker({ brokers: 1 });
  const pg = useTestDatabase({ migrate: false });

  it('opens one span_red episode when an operation starts failing, with failed spans as evidence, and not before', async () => {
    const spansTopic = await kafka.createTopic(undefined, 1);
    const anomaliesTopic = await kafka.createTopic(undefined, 1);
    const topics = { ...(await createPipelineTopics(kafka)), spans: spansTopic };
    ({ platform } = await startTestPlatform(await pipelineEnv(kafka, pg.url, topics, anomaliesTopic)));
    const p = platform;
    await expectEventually(async () => expect((await getJson(`${p.url}/readyz`)).status).toBe(200), { timeoutMs: 30000 });
    const events: AnomalyEvent[] = [];
    const reader = await p.bus.subscribe({
      groupId: `anomalies-${randomBytes(3).toString('hex')}`,
      topics: [anomaliesTopic],
      handler: async (batch) => void events.push(...batch.map((m) => anomalyEventSchema.parse(JSON.parse(m.value.toString('utf8'))))),
    });
    producer = await collectorProducer(kafka.brokers);

    const service = `checkout-${randomBytes(3).toString('hex')}`;
    const base = Math.floor((Date.now() - 400 * MINUTE_MS) / MINUTE_MS) * MINUTE_MS;
    const failingFrom = 250;
    let seed = 19;
    const random = (): number => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let chunk = 0; chunk < 270; chunk += 30) {
      const spans: SpanFixture[] = [];
      for (let m = chunk; m < chunk + 30; m++) {
        for (let i = 0; i < 20; i++) {
          const error = m >= failingFrom ? random() < 0.6 : random() < 0.01;
          spans.push({ service, name: 'POST /checkout', kind: 'server', durationMs: 30 + Math.floor(random() * 20), error, endMs: base + m * MINUTE_MS + i * 2900 });
        }
      }
      await producer.send({ topic: spansTopic, messages: [{ value: otlpTracesRequest(spans) }] });
    }
    try {
      const opened = await expectEventually(() => {
        const found = events.find((e) => e.service === service && e.signal.endsWith('#errors') && e.status === 'open');
        expect(found).toBeDefined();
        return found as AnomalyEvent;
      }, { timeoutMs: 60000 });
      expect(opened).toMatchObject({ kind: 'span_red', signal: 'span:server:POST /checkout#errors' });
      expect(Number(opened.timeUnixNano.slice(0, -6))).toBeGreaterThanOrEqual(base + failingFrom * MINUTE_MS);
      expect(Number(opened.timeUnixNano.slice(0, -6))).toBeLessThanOrEqual(base + (failingFrom + 3) * MINUTE_MS);
      expect(opened.observed).toBeGreaterThan(0.3);
      expect(opened.expected).toBeLessThan(0.1);
      expect(opened.evidence.some((e) => e.severityNumber === 17 && /failed/.test(e.body) && e.traceId)).toBe(true);
      // Nothing opened during the healthy hours.
      expect(events.filter((e) => e.service === service && e.status === 'open' && Number(e.timeUnixNano.slice(0, -6)) < base + failingFrom * MINUTE_MS)).toEqual([]);
      const api = await getJson<{ items: { id: string; kind: string; status: string }[] }>(`${p.url}/api/anomalies?service=${service}`, p.adminToken);
      expect(api.body.items).toContainEqual(expect.objectContaining({ id: opened.id, kind: 'span_red', status: 'open' }));
    } finally {
      await reader.stop();
    }
  });
});
