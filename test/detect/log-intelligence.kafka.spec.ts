import { randomBytes } from 'node:crypto';
import { anomalyEventSchema, type AnomalyEvent, type AnomalyEvidence } from '@vigil/contracts';
import type { StoredTemplate } from '@vigil/store';
import type { Platform } from '@vigil/cli';
import type { BusMessage } from '@vigil/bus';
import { expectEventually, otlpLogsRequest, useTestBroker, useTestDatabase, type LogFixture } from '@vigil/testing';
import type { Producer } from 'kafkajs';
import { getJson, startTestPlatform } from '../e2e/platform-fixture';
import { collectorProducer, createPipelineTopics, pipelineEnv } from '../harness/pipeline-backbone';
import { everydayLines, MINUTE_MS } from './log-traffic';

/** GET /api/log-templates items: the store's rows, examples being redacted evidence lines. */
type TemplateJson = Omit<StoredTemplate, 'examples'> & { examples: AnomalyEvidence[] };

const PAN_SPACED = '4111 1111 1111 1111';
const PAN_PATTERN = /4111[ -]?1111[ -]?1111[ -]?1111/;

/**
 * Log intelligence on the real backbone: OTLP logs → Kafka → ingest (redaction) → vigil.signals
 * → detect (template mining, log anomalies, checkpoints) → PostgreSQL, vigil.anomalies and HTTP.
 */
describe('log intelligence: templates, log anomalies and redaction on Kafka + PostgreSQL', () => {
  let platform: Platform | undefined;
  let producer: Producer;
  let env: Record<string, string>;
  const service = `payments-${randomBytes(3).toString('hex')}`;
  const lockTrace = randomBytes(16).toString('hex');
  const base = Math.floor((Date.now() - 40 * MINUTE_MS) / MINUTE_MS) * MINUTE_MS;
  let produced = 0;
  let logsTopic: string;
  let signalsTopic: string;
  let anomaliesTopic: string;
  const signalMessages: BusMessage[] = [];
  const anomalyMessages: AnomalyEvent[] = [];

  afterAll(async () => {
    await producer?.disconnect();
    await platform?.stop();
  });
  const kafka = useTestBroker({ brokers: 1 });
  const pg = useTestDatabase({ migrate: false });

  const send = async (lines: LogFixture[]): Promise<void> => {
    produced += lines.length;
    await producer.send({ topic: logsTopic, messages: [{ value: otlpLogsRequest(lines) }] });
  };
  const minutes = async (from: number, to: number): Promise<void> => {
    for (let m = from; m < to; m++) await send(everydayLines(service, base + m * MINUTE_MS, 30, m));
  };
  const start = async (): Promise<Platform> => {
    const started = (await startTestPlatform(env)).platform;
    await expectEventually(async () => expect((await getJson(`${started.url}/readyz`)).status).toBe(200), { timeoutMs: 30000 });
    return started;
  };
  const templates = async (p: Platform): Promise<TemplateJson[]> => (await getJson<{ items: TemplateJson[] }>(`${p.url}/api/log-templates?service=${service}`, p.adminToken)).body.items;
  const templateTotal = async (p: Platform): Promise<number> =>
    Number((await p.db.query<{ n: string }>('SELECT coalesce(sum(count), 0)::text AS n FROM log_template_counts_1m WHERE service = $1', [service])).rows[0]?.n);

  beforeAll(async () => {
    const topics = await createPipelineTopics(kafka, { logs: 2 });
    logsTopic = topics.logs;
    signalsTopic = topics.signals;
    anomaliesTopic = await kafka.createTopic(undefined, 1);
    env = {
      ...(await pipelineEnv(kafka, pg.url, topics, anomaliesTopic)),
      VIGIL_LOG_WARMUP_MINUTES: '5',
    };
    platform = await start();
    producer = await collectorProducer(kafka.brokers);
  });

  it('mines templates, flags a new error template with its trace, and masks a card number everywhere', async () => {
    const p = platform as Platform;
    const readers = [
      await p.bus.subscribe({ groupId: `signals-reader-${randomBytes(3).toString('hex')}`, topics: [signalsTopic], handler: async (batch) => void signalMessages.push(...batch) }),
      await p.bus.subscribe({
        groupId: `anomalies-reader-${randomBytes(3).toString('hex')}`,
        topics: [anomaliesTopic],
        handler: async (batch) => void anomalyMessages.push(...batch.map((m) => anomalyEventSchema.parse(JSON.parse(m.value.toString('utf8'))))),
      }),
    ];
    try {
      await minutes(0, 12);
      const incident = base + 12 * MINUTE_MS;
      await send([
        ...everydayLines(service, incident, 30, 12),
        { service, body: 'lock wait timeout exceeded on table payments (waited 5012 ms, pid 4411)', severityNumber: 17, severityText: 'ERROR', timeMs: incident + 30_000, traceId: lockTrace, spanId: randomBytes(8).toString('hex') },
        { service, body: `charge 77 declined for card ${PAN_SPACED}`, severityNumber: 13, severityText: 'WARN', timeMs: incident + 31_000, attributes: { 'http.request.header.authorization': 'Bearer abc123.secret-token' } },
      ]);
      await minutes(13, 16);

      // Every line counted once per template, durable.
      await expectEventually(async () => expect(await templateTotal(p)).toBe(produced), { timeoutMs: 30000 });
      const learnt = await templates(p);
      expect(learnt.reduce((n, t) => n + t.count, 0)).toBe(produced);
      const lock = learnt.find((t) => t.template.startsWith('lock wait timeout exceeded on table'));
      expect(lock).toMatchObject({ count: 1, examples: [expect.objectContaining({ traceId: lockTrace })] });
      const everyday = learnt.filter((t) => t.count >= 100);
      expect(everyday).toHaveLength(3); // the three logging statements, one template each
      for (const t of everyday) {
        expect(t.template).toContain('<*>');
        expect(Date.parse(t.firstSeen)).toBeLessThan(base + MINUTE_MS);
        expect(Date.parse(t.firstSeen)).toBeGreaterThanOrEqual(base);
        expect(Date.parse(t.lastSeen)).toBeGreaterThanOrEqual(base + 15 * MINUTE_MS);
        expect(t.examples.length).toBeGreaterThan(0);
      }

      // The new error template is an anomaly, with its example line and trace id, on the topic and in the API.
      const fromTopic = await expectEventually(() => {
        const found = anomalyMessages.find((a) => a.kind === 'log_new_template' && a.template?.id === lock?.templateId);
        expect(found).toBeDefined();
        return found as AnomalyEvent;
      });
      expect(fromTopic).toMatchObject({ status: 'open', service, evidence: [expect.objectContaining({ traceId: lockTrace, severityNumber: 17 })] });
      expect(fromTopic.score).toBeGreaterThan(0.9);
      const stored = await getJson<{ items: { id: string; kind: string }[] }>(`${p.url}/api/anomalies?service=${service}`, p.adminToken);
      expect(stored.body.items.map((a) => a.id)).toContain(fromTopic.id);
      // Everyday templates were learnt during the warm-up: not anomalies.
      const everydayIds = new Set(everyday.map((t) => t.templateId));
      expect(anomalyMessages.filter((a) => a.template && everydayIds.has(a.template.id))).toEqual([]);

      // The card number never left ingestion: not on vigil.signals, not in PostgreSQL, not in the API.
      expect(signalMessages.length).toBeGreaterThan(0);
      const signalText = signalMessages.map((m) => m.value.toString('utf8')).join('\n');
      expect(signalText).not.toMatch(PAN_PATTERN);
      expect(signalText).toContain('[PAN ****1111]');
      expect(signalText).not.toContain('secret-token');
      for (const table of ['log_records', 'log_templates', 'log_template_counts_1m', 'anomalies', 'detector_checkpoints', 'log_counts_1m']) {
        const { rows } = await p.db.query<{ t: string }>(`SELECT t::text AS t FROM ${table} t`);
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) {
          expect(row.t).not.toMatch(PAN_PATTERN);
          expect(row.t).not.toContain('secret-token');
        }
      }
      for (const path of [`/api/logs?service=${service}&limit=1000`, `/api/log-templates?service=${service}`, `/api/anomalies?service=${service}`]) {
        const response = await fetch(`${p.url}${path}`, { headers: { authorization: `Bearer ${p.adminToken}` } });
        expect(response.status).toBe(200);
        expect(await response.text()).not.toMatch(PAN_PATTERN);
      }
      const masked = learnt.find((t) => t.template.startsWith('charge <*> declined for card'));
      if (!masked) throw new Error(`no template for the masked line among ${JSON.stringify(learnt.map((t) => t.template))}`);
      expect(masked?.examples[0]?.body).toBe('charge 77 declined for card [PAN ****1111]');
      // Counted per service, so the leak itself can be fixed.
      const redactions = await getJson<{ items: { service: string; kind: string; count: number }[] }>(`${p.url}/api/redactions`, p.adminToken);
      expect(redactions.body.items.filter((r) => r.service === service)).toEqual(
        expect.arrayContaining([expect.objectContaining({ kind: 'pan', count: 1 }), expect.objectContaining({ kind: 'bearer_token', count: 1 })]),
      );
    } finally {
      await Promise.all(readers.map((r) => r.stop()));
    }
  });

  it('restarts from its checkpoints: same template ids, no cold start, nothing counted twice', async () => {
    const before = await templates(platform as Platform);
    const anomaliesBefore = anomalyMessages.length;
    await (platform as Platform).stop();
    platform = await start();
    const p = platform;
    await minutes(16, 20);
    await send([{ service, body: 'lock wait timeout exceeded on table payments (waited 7001 ms, pid 977)', severityNumber: 17, timeMs: base + 20 * MINUTE_MS + 5000 }]);
    await minutes(21, 23);
    await expectEventually(async () => expect(await templateTotal(p)).toBe(produced), { timeoutMs: 30000 });
    const after = await templates(p);
    for (const t of before.filter((b) => b.count >= 100)) {
      expect(after.find((a) => a.templateId === t.templateId)?.template).toBe(t.template);
    }
    expect(after.find((t) => t.template.startsWith('lock wait timeout'))).toMatchObject({ templateId: before.find((t) => t.template.startsWith('lock wait timeout'))?.templateId, count: 2 });
    expect(after.reduce((n, t) => n + t.count, 0)).toBe(produced);
    // A cold start would have re-learnt (and, past the warm-up, reported) known templates as new.
    const { rows } = await p.db.query<{ n: string }>("SELECT count(*)::text AS n FROM anomalies WHERE service = $1 AND kind = 'log_new_template'", [service]);
    expect(Number(rows[0]?.n)).toBe(2); // the lock wait template and the masked charge line, from the first run
    expect(anomaliesBefore).toBeGreaterThan(0);
  });
});
