import { DEAD_LETTER_HEADERS } from '@vigil/contracts';
import { formatDuration } from '@vigil/incidents';
import type { Platform } from '@vigil/cli';
import { ServiceCallRepository } from '@vigil/store';
import { expectEventually, useTestBroker, useTestDatabase } from '@vigil/testing';
import { randomBytes } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { getJson, startTestPlatform } from '../e2e/platform-fixture';
import { collectorProducer, createPipelineTopics, pipelineEnv } from '../harness/pipeline-backbone';
import { anomalyEvent, MINUTE, publishAnomalies } from './anomaly-traffic';
import { incidentApi, type IncidentJson } from './incident-api';

/**
 * The responder on the real backbone: anomaly events on Kafka (keyed by service over several
 * partitions, as detection publishes them) → correlation with the trace-learnt dependency graph
 * → incidents in PostgreSQL → the REST API.
 */
describe('incidents from anomalies on Kafka + PostgreSQL', () => {
  let platform: Platform | undefined;
  let producer: Producer | undefined;
  afterAll(async () => {
    await producer?.disconnect();
    await platform?.stop();
  });
  const kafka = useTestBroker({ brokers: 1 });
  const pg = useTestDatabase({ migrate: false });
  let anomalies: string;
  let dlq: string;
  let api: ReturnType<typeof incidentApi>;
  // Event time well behind the clock: a replayed stream, so every duration is in event time.
  const t0 = Math.floor((Date.now() - 3 * 60 * MINUTE) / MINUTE) * MINUTE;

  beforeAll(async () => {
    anomalies = await kafka.createTopic(undefined, 4);
    const topics = await createPipelineTopics(kafka);
    dlq = topics.dlq;
    ({ platform } = await startTestPlatform({
      ...(await pipelineEnv(kafka, pg.url, topics, anomalies)),
      VIGIL_RESPONDER_GROUP: `responder-${randomBytes(4).toString('hex')}`,
      VIGIL_TOPOLOGY_REFRESH_MS: '0',
      VIGIL_INCIDENT_RESOLVE_AFTER_MINUTES: '5',
      VIGIL_SERVICES: JSON.stringify({ gateway: { customerFacing: true, slo: { errorRatio: 0.01, latencyP95Ms: 800 } }, payments: { slo: { latencyP95Ms: 300 } } }),
    }));
    const p = platform;
    await expectEventually(async () => expect((await getJson(`${p.url}/readyz`)).status).toBe(200), { timeoutMs: 30000 });
    // The topology as ingestion learns it from traces (the learning: test/ingest/service-dependencies).
    const minute = t0 - 60 * MINUTE;
    await new ServiceCallRepository(p.db).add([
      { caller: 'gateway', callee: 'payments', minuteMs: minute, calls: 1200 },
      { caller: 'payments', callee: 'ledger', minuteMs: minute, calls: 1100 },
      { caller: 'ledger', callee: 'postgres', minuteMs: minute, calls: 3000 },
      { caller: 'payments', callee: 'fraud-check', minuteMs: minute, calls: 900 },
    ]);
    api = incidentApi(p.url, p.adminToken);
    producer = await collectorProducer(kafka.brokers);
  });

  const incidentOf = async (service: string): Promise<IncidentJson[]> => api.list(`service=${service}`);

  it('turns a cascading failure into one incident whose top root-cause hint is the database', async () => {
    const cascade = [
      // Published in the order detection might emit them (the symptom first), onsets tell the story.
      anomalyEvent(t0, { service: 'gateway', signal: 'span:server:POST /checkout#errors', minute: 3, observed: 0.12, expected: 0.002 }),
      anomalyEvent(t0, { service: 'postgres', signal: 'pg:query_duration_p95', minute: 0, kind: 'metric', observed: 2400, expected: 12 }),
      anomalyEvent(t0, { service: 'payments', signal: 'span:server:POST /pay#p95', minute: 2, observed: 2600, expected: 90 }),
      anomalyEvent(t0, { service: 'ledger', signal: 'span:server:INSERT entries#p95', minute: 1, observed: 2500, expected: 20 }),
      anomalyEvent(t0, { service: 'payments', signal: 'span:server:POST /pay#p95', minute: 4, status: 'update', observed: 3100, expected: 90 }),
    ];
    await publishAnomalies(producer as Producer, anomalies, cascade);
    const incident = await expectEventually(async () => {
      const found = await incidentOf('postgres');
      expect(found).toHaveLength(1);
      expect([...found[0]!.services].sort()).toEqual(['gateway', 'ledger', 'payments', 'postgres']);
      return found[0]!;
    }, { timeoutMs: 30000 });
    expect(incident.rootCauseHints[0]).toMatchObject({ service: 'postgres', signal: 'pg:query_duration_p95', score: 1 });
    expect(incident.rootCauseHints[0]!.evidence.firstAtMs).toBe(t0);
    expect(incident.rootCauseHints[0]!.evidence.examples[0]?.traceId).toBe('ab'.repeat(16));
    expect(incident.rootCauseHints.at(-1)?.service).toBe('gateway');
    // gateway (customer-facing) at 12× its error SLO.
    expect(incident.severity).toBe('sev1');
    expect(incident.startedAt).toBe(new Date(t0).toISOString());
    // Exactly one incident holds these services (merged ones are hidden, never duplicated).
    for (const s of ['gateway', 'payments', 'ledger']) expect((await incidentOf(s)).map((i) => i.id)).toEqual([incident.id]);
    const detail = await api.call<{ signals: { fingerprint: string; events: number }[] }>('GET', `/api/incidents/${incident.id}`);
    expect(detail.body.signals.find((s) => s.fingerprint.startsWith('payments'))?.events).toBe(2);
  });

  it('keeps two unrelated simultaneous failures apart, and a flapping signal in one incident', async () => {
    const events = [
      anomalyEvent(t0, { service: 'search', signal: 'span:server:GET /q#p95', minute: 10, observed: 900, expected: 40 }),
      anomalyEvent(t0, { service: 'email', signal: 'span:consumer:send#errors', minute: 10, observed: 0.5, expected: 0.01 }),
    ];
    // fraud-check flaps: five episodes opening and recovering, two minutes apart.
    for (let k = 0; k < 5; k++) {
      events.push(anomalyEvent(t0, { service: 'fraud-check', signal: 'log:severity:error', kind: 'log_error_surge', minute: 20 + 4 * k, episode: k }));
      events.push(anomalyEvent(t0, { service: 'fraud-check', signal: 'log:severity:error', kind: 'log_error_surge', minute: 22 + 4 * k, episode: k, status: 'recover' }));
    }
    await publishAnomalies(producer as Producer, anomalies, events);
    await expectEventually(async () => {
      expect(await incidentOf('search')).toHaveLength(1);
      expect(await incidentOf('email')).toHaveLength(1);
      const fraud = await incidentOf('fraud-check');
      expect(fraud.length).toBeGreaterThanOrEqual(1);
    }, { timeoutMs: 30000 });
    const [search] = await incidentOf('search');
    const [email] = await incidentOf('email');
    expect(search!.id).not.toBe(email!.id);
    expect(search!.services).toEqual(['search']);
    // fraud-check is called by payments, but the cascade's incident is quiet long before.
    const fraud = await incidentOf('fraud-check');
    expect(fraud).toHaveLength(1);
    const timeline = await api.call<{ items: { type: string }[] }>('GET', `/api/incidents/${fraud[0]!.id}/timeline`);
    // One incident, opened once, every later episode a reopen or a re-join, not a new incident.
    expect(timeline.body.items.filter((e) => e.type === 'opened')).toHaveLength(1);
  });

  it('dead-letters malformed anomaly events with a reason, and the good ones around them still count', async () => {
    const p = platform as Platform;
    const letters: { reason: string; value: string }[] = [];
    const reader = await p.bus.subscribe({
      groupId: `dlq-${randomBytes(3).toString('hex')}`,
      topics: [dlq],
      handler: async (batch) => void letters.push(...batch.map((m) => ({ reason: `${m.headers[DEAD_LETTER_HEADERS.code]}: ${m.headers[DEAD_LETTER_HEADERS.reason]}`, value: m.value.toString('utf8') }))),
    });
    try {
      const good = anomalyEvent(t0, { service: 'billing', signal: 'span:server:POST /invoice#errors', minute: 40, observed: 0.3, expected: 0.01 });
      await (producer as Producer).send({
        topic: anomalies,
        messages: [
          { key: 'billing', value: '{"v":1,"id":' },
          { key: 'billing', value: JSON.stringify({ ...good, score: 7 }) },
          { key: 'billing', value: JSON.stringify(good) },
        ],
      });
      await expectEventually(async () => {
        expect(await incidentOf('billing')).toHaveLength(1);
        expect(letters).toHaveLength(2);
      }, { timeoutMs: 30000 });
      const reasons = letters.map((l) => l.reason).join('\n');
      expect(reasons).toMatch(/invalid_anomaly: anomaly event is not JSON/);
      expect(reasons).toMatch(/invalid anomaly event at score/);
    } finally {
      await reader.stop();
    }
  });

  it('resolves once every signal recovered, with a postmortem whose timeline and durations match the record', async () => {
    const recoveries = [
      anomalyEvent(t0, { service: 'postgres', signal: 'pg:query_duration_p95', minute: 50, kind: 'metric', status: 'recover' }),
      anomalyEvent(t0, { service: 'ledger', signal: 'span:server:INSERT entries#p95', minute: 51, status: 'recover' }),
      anomalyEvent(t0, { service: 'payments', signal: 'span:server:POST /pay#p95', minute: 52, status: 'recover' }),
      anomalyEvent(t0, { service: 'gateway', signal: 'span:server:POST /checkout#errors', minute: 53, status: 'recover' }),
      // Later traffic elsewhere moves event time on past the resolve delay.
      anomalyEvent(t0, { service: 'batch', signal: 'cpu', kind: 'metric', minute: 70 }),
    ];
    const [before] = await incidentOf('postgres');
    // A human acknowledged it meanwhile (wall time; the record says who).
    const ack = await api.call<IncidentJson>('POST', `/api/incidents/${before!.id}/acknowledge`, { note: 'looking at the database' });
    expect(ack.status).toBe(200);
    await publishAnomalies(producer as Producer, anomalies, recoveries);
    const resolved = await expectEventually(async () => {
      const [i] = await incidentOf('postgres');
      expect(i?.status).toBe('resolved');
      return i!;
    }, { timeoutMs: 30000 });
    expect(resolved.resolvedAt).toBe(new Date(t0 + 53 * MINUTE + 5 * MINUTE).toISOString());
    const timeline = (await api.call<{ items: { at: string; actor: string; type: string; text: string }[] }>('GET', `/api/incidents/${resolved.id}/timeline`)).body.items;
    expect(timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['opened', 'signal_joined', 'acknowledged', 'signal_recovered', 'resolved']));
    expect(timeline.find((e) => e.type === 'acknowledged')).toMatchObject({ actor: 'bootstrap-admin', text: expect.stringContaining('looking at the database') });
    const postmortem = await api.call<string>('GET', `/api/incidents/${resolved.id}/postmortem`);
    expect(postmortem.status).toBe(200);
    expect(postmortem.headers.get('content-type')).toMatch(/text\/markdown/);
    const md = postmortem.text;
    const detected = Date.parse(resolved.detectedAt);
    expect(md).toContain(`| Time to detect (TTD) | impact start → detected | ${formatDuration(detected - Date.parse(resolved.startedAt))} |`);
    expect(md).toContain(`| Time to resolve (TTR) | detected → resolved | ${formatDuration(Date.parse(resolved.resolvedAt!) - detected)} |`);
    // Every timeline entry is in the postmortem's timeline, in order.
    let cursor = 0;
    for (const entry of timeline) {
      const at = md.indexOf(entry.text.replace(/\|/g, '\\|').slice(0, 40), cursor);
      expect(at).toBeGreaterThan(-1);
      cursor = at;
    }
  });
});
