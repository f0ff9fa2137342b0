import { randomBytes, randomUUID } from 'node:crypto';
import { startApi, type ApiServer } from '@vigil/api';
import { InProcessBus, type BusMessage, type MessageBus, type OutgoingMessage } from '@vigil/bus';
import type { Platform } from '@vigil/cli';
import type { AnomalyEvent } from '@vigil/contracts';
import { expectEventually, useTestDatabase } from '@vigil/testing';
import { signWebhook } from '@vigil/webhooks';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { startTestPlatform } from '../e2e/platform-fixture';
import { incidentWatch, minutesFromNow, postRaw, type Reply } from './inbound-client';

const ADMIN_TOKEN = 'inbound-admin-token-0123456789';
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const ROUTING_KEY = 'R0123456789abcdef0123456789abcde';

interface Issue {
  path: string;
  message: string;
}

/** A notification exactly as Alertmanager 0.25 sends it to a webhook_config (payload version 4). */
function alertmanagerPayload(alerts: { status: 'firing' | 'resolved'; labels: Record<string, string>; startsAt: string; endsAt?: string; summary?: string; fingerprint: string }[]) {
  const status = alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved';
  const common = alerts[0]?.labels ?? {};
  return {
    receiver: 'vigil',
    status,
    alerts: alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: a.summary ? { summary: a.summary, description: `${a.summary} (description)` } : {},
      startsAt: a.startsAt,
      endsAt: a.endsAt ?? '0001-01-01T00:00:00Z',
      generatorURL: `http://prometheus:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1`,
      fingerprint: a.fingerprint,
    })),
    groupLabels: { alertname: common['alertname'] ?? '' },
    commonLabels: common,
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    version: '4',
    groupKey: `{}:{alertname="${common['alertname'] ?? ''}"}`,
    truncatedAlerts: 0,
  };
}

/** Grafana unified alerting's webhook body (its documented example, our labels and times). */
function grafanaPayload(status: 'firing' | 'resolved', service: string, startsAt: string, endsAt = '0001-01-01T00:00:00Z') {
  return {
    receiver: 'vigil',
    status,
    orgId: 1,
    alerts: [
      {
        status,
        labels: { alertname: 'High memory usage', service, team: 'blue', zone: 'us-1', grafana_folder: 'Infra', severity: 'warning' },
        annotations: { description: 'The system has high memory usage', runbook_url: 'https://myrunbook.com/runbook/1234', summary: `Memory high on ${service}` },
        startsAt,
        endsAt,
        generatorURL: 'https://grafana.example.com/alerting/grafana/1afz29v7z/view',
        fingerprint: 'c6eadffa33fcdf37',
        silenceURL: 'https://grafana.example.com/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DHigh+memory+usage',
        dashboardURL: '',
        panelURL: '',
        values: { B: 44.23943737541908, C: 1 },
        valueString: "[ var='B' labels={} value=44.23943737541908 ], [ var='C' labels={} value=1 ]",
      },
    ],
    groupLabels: { alertname: 'High memory usage' },
    commonLabels: { alertname: 'High memory usage', service },
    commonAnnotations: {},
    externalURL: 'https://grafana.example.com/',
    version: '1',
    groupKey: '{}:{alertname="High memory usage"}',
    truncatedAlerts: 0,
    title: `[${status.toUpperCase()}:1] High memory usage (${service})`,
    state: status === 'firing' ? 'alerting' : 'ok',
    message: `**${status === 'firing' ? 'Firing' : 'Resolved'}**\n\nValue: B=44.2\nLabels:\n - alertname = High memory usage`,
  };
}

/** An InProcessBus whose publish can be made to fail. */
class ControllableBus implements MessageBus {
  readonly kind = 'in-process' as const;
  readonly inner = new InProcessBus(1);
  readonly namespace = this.inner.namespace;
  readonly published: { topic: string; message: OutgoingMessage }[] = [];
  failing = false;
  ensureTopics: MessageBus['ensureTopics'] = (topics) => this.inner.ensureTopics(topics);
  subscribe: MessageBus['subscribe'] = (options) => this.inner.subscribe(options);
  shutdown: MessageBus['shutdown'] = () => this.inner.shutdown();
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.failing) return Promise.reject(new Error('broker unreachable'));
    this.published.push(...messages.map((message) => ({ topic, message })));
    return this.inner.publish(topic, messages);
  }
}

/**
 * The inbound alert webhooks on the all-in-one platform with a real PostgreSQL: each sender's
 * real payload opens an incident through the responder, resolved notifications recover it and
 * (once event time passes the resolve delay) resolve it; signatures, replays, validation, size
 * limits, an unavailable bus and the counters.
 */
describe('inbound alert webhooks', () => {
  afterAll(() => platform?.stop());
  const pg = useTestDatabase();
  let platform: Platform;
  let responderToken: string;
  let viewerToken: string;
  let watch: ReturnType<typeof incidentWatch>;

  beforeAll(async () => {
    ({ platform } = await startTestPlatform({
      DATABASE_URL: pg.url,
      VIGIL_ADMIN_TOKEN: ADMIN_TOKEN,
      VIGIL_WEBHOOK_SECRET: WEBHOOK_SECRET,
      VIGIL_PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
      VIGIL_INCIDENT_RESOLVE_AFTER_MINUTES: '1',
      VIGIL_SERVICES: JSON.stringify({ checkout: { customerFacing: true } }),
    }));
    watch = incidentWatch(platform.url, ADMIN_TOKEN);
    const token = async (name: string, role: string): Promise<string> => {
      const r = await watch.api.call<{ token: string }>('POST', '/api/tokens', { name, role });
      expect(r.status).toBe(201);
      return r.body.token;
    };
    responderToken = await token('alertmanager', 'responder');
    viewerToken = await token('dashboards', 'viewer');
  });

  const alertmanager = (body: unknown, token = responderToken) => postRaw(`${platform.url}/api/webhooks/alertmanager`, body, { authorization: `Bearer ${token}` });
  const grafana = (body: unknown) => postRaw(`${platform.url}/api/webhooks/grafana`, body, { authorization: `Bearer ${responderToken}` });
  const pagerduty = (body: unknown) => postRaw(`${platform.url}/api/webhooks/pagerduty`, body);
  const generic = (body: unknown, options: { id?: string; nowMs?: number; secret?: string; headers?: Record<string, string> } = {}) => {
    const raw = JSON.stringify(body);
    const headers = signWebhook(options.secret ?? WEBHOOK_SECRET, options.id ?? `msg_${randomUUID()}`, raw, options.nowMs ?? Date.now());
    return postRaw(`${platform.url}/api/webhooks/generic`, raw, { ...headers, ...options.headers });
  };
  /** Moves event time on (a fresh alert from an unrelated service, at now): incidents whose signals all recovered ≥ 1 min before resolve. */
  const moveEventTime = async () => {
    const r = await generic({ alerts: [{ name: 'Heartbeat', service: `clock-${randomUUID().slice(0, 8)}`, status: 'firing', severity: 'info', startsAt: minutesFromNow(0) }] });
    expect(r.status).toBe(202);
  };

  it('opens an incident from an Alertmanager notification, dedupes redeliveries, recovers and resolves on the resolved one', async () => {
    const alert = { labels: { alertname: 'CheckoutErrors', service: 'checkout', severity: 'critical', instance: 'checkout-1:8080' }, startsAt: minutesFromNow(-10), summary: 'Checkout 5xx above 5%', fingerprint: 'b2a0c5d1e3f40617' };
    const firing = alertmanagerPayload([{ status: 'firing', ...alert }]);
    const first = await alertmanager(firing);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ status: 'success', received: 1, published: 1, ignored: 0 });
    const opened = await watch.incidentOf('checkout');
    expect(opened).toMatchObject({ status: 'triggered', services: ['checkout'], severity: expect.stringMatching(/^sev[1-4]$/) });
    expect(opened.signals).toEqual([
      expect.objectContaining({
        kind: 'alert',
        signal: 'alert:CheckoutErrors',
        fingerprint: 'checkout|alert|alertmanager:b2a0c5d1e3f40617',
        recoveredAt: null,
        firstEvent: expect.objectContaining({ summary: 'Checkout 5xx above 5%', labels: alert.labels }),
      }),
    ]);
    // Alertmanager repeats the firing alert (repeat_interval, retries): the same incident, no second one.
    expect((await alertmanager(firing)).status).toBe(202);
    expect((await alertmanager(firing)).status).toBe(202);
    await watch.incidentOf('checkout', (i) => expect(i.signals[0]?.events).toBe(2));

    const resolved = alertmanagerPayload([{ status: 'resolved', ...alert, endsAt: minutesFromNow(-5) }]);
    expect((await alertmanager(resolved)).status).toBe(202);
    const recovered = await watch.incidentOf('checkout', (i) => expect(i.signals[0]?.recoveredAt).not.toBeNull());
    expect(recovered.status).toBe('triggered');
    await moveEventTime();
    const done = await watch.incidentOf('checkout', (i) => expect(i.status).toBe('resolved'));
    expect(Date.parse(done.resolvedAt!) - Date.parse(recovered.signals[0]!.recoveredAt!)).toBe(60_000);
  });

  it('takes Grafana unified alerting notifications the same way', async () => {
    const startsAt = minutesFromNow(-8);
    const first = await grafana(grafanaPayload('firing', 'inventory', startsAt));
    expect(first.status).toBe(202);
    const opened = await watch.incidentOf('inventory');
    expect(opened.signals[0]).toMatchObject({ signal: 'alert:High memory usage', fingerprint: 'inventory|alert|grafana:c6eadffa33fcdf37', recoveredAt: null });
    expect(opened.signals[0]?.firstEvent.labels).toMatchObject({ grafana_folder: 'Infra', severity: 'warning' });
    expect((await grafana(grafanaPayload('resolved', 'inventory', startsAt, minutesFromNow(-4)))).status).toBe(202);
    await watch.incidentOf('inventory', (i) => expect(i.signals[0]?.recoveredAt).not.toBeNull());
    await moveEventTime();
    await watch.incidentOf('inventory', (i) => expect(i.status).toBe('resolved'));
  });

  it('speaks PagerDuty Events API v2: trigger, acknowledge, resolve, answered as PagerDuty does', async () => {
    const trigger = {
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: 'ledger-db-latency',
      payload: {
        summary: 'Ledger DB p95 latency over 2s',
        timestamp: new Date(Date.now() - 6 * 60_000).toISOString().replace('Z', '+0000'),
        source: 'db-ledger-01.prod',
        severity: 'critical',
        component: 'postgres',
        group: 'ledger',
        class: 'latency',
        custom_details: { 'p95 ms': '2150', 'load avg': 0.75 },
      },
      client: 'Sample Monitoring Service',
      client_url: 'https://monitoring.example.com/checks/ledger-db',
    };
    const triggered = await pagerduty(trigger);
    expect([triggered.status, triggered.body]).toEqual([202, { status: 'success', message: 'Event processed', dedup_key: 'ledger-db-latency' }]);
    const opened = await watch.incidentOf('ledger');
    expect(opened.signals[0]).toMatchObject({ signal: 'alert:latency', fingerprint: 'ledger|alert|pagerduty:ledger-db-latency' });
    expect(opened.signals[0]?.firstEvent.labels).toMatchObject({ severity: 'critical', source: 'db-ledger-01.prod', 'p95 ms': '2150' });

    const ack = await pagerduty({ routing_key: ROUTING_KEY, event_action: 'acknowledge', dedup_key: 'ledger-db-latency' });
    expect([ack.status, ack.body]).toEqual([202, { status: 'success', message: 'Event processed', dedup_key: 'ledger-db-latency' }]);
    await watch.incidentOf('ledger', (i) => expect(i.signals[0]?.events).toBe(2));
    expect((await pagerduty({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'ledger-db-latency' })).status).toBe(202);
    await watch.incidentOf('ledger', (i) => expect(i.signals[0]?.recoveredAt).not.toBeNull());

    // A trigger without dedup_key gets one, as PagerDuty makes one.
    const keyless = await pagerduty({ ...trigger, dedup_key: undefined, payload: { ...trigger.payload, group: 'ledger-replica' } });
    expect(keyless.status).toBe(202);
    expect(keyless.body['dedup_key']).toMatch(/^[0-9a-f-]{36}$/);
    // Acknowledging or resolving what is not open is accepted and does nothing (PagerDuty drops it).
    const unknown = await pagerduty({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'never-triggered' });
    expect(unknown.status).toBe(202);

    // A wrong routing key is 400 "Invalid routing key", as PagerDuty answers: the sender must not retry.
    const wrongKey = await pagerduty({ ...trigger, routing_key: 'not-the-key-0123456789' });
    expect(wrongKey.status).toBe(400);
    expect(wrongKey.body).toEqual({ status: 'invalid event', message: 'Event object is invalid', errors: ['Invalid routing key'] });
    const invalid = await pagerduty({ ...trigger, payload: { ...trigger.payload, severity: 'disaster' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ status: 'invalid event', message: 'Event object is invalid', errors: [expect.stringMatching(/^payload\.severity: /)] });
    expect((invalid.body['issues'] as Issue[]).map((i) => i.path)).toEqual(['payload.severity']);
    const noAction = await pagerduty({ routing_key: ROUTING_KEY, event_action: 'snooze', dedup_key: 'x' });
    expect((noAction.body['issues'] as Issue[]).map((i) => i.path)).toEqual(['event_action']);
  });

  it('takes signed generic alerts: bad, missing or stale signatures 401, a replayed webhook-id 409, the good ones around them land', async () => {
    const startsAt = minutesFromNow(-7);
    const alert = (service: string, status: 'firing' | 'resolved' = 'firing') => ({
      alerts: [{ name: 'QueueBacklog', service, status, severity: 'warning', summary: `${service} queue backlog`, labels: { queue: 'settlements' }, startsAt, id: `backlog-${service}` }],
    });
    const ok = await generic(alert('settlement'), { id: 'msg_first' });
    expect([ok.status, ok.body]).toEqual([202, { status: 'success', received: 1, published: 1, ignored: 0 }]);
    const opened = await watch.incidentOf('settlement');
    expect(opened.signals[0]).toMatchObject({ signal: 'alert:QueueBacklog', fingerprint: 'settlement|alert|generic:backlog-settlement' });

    const forged = await generic(alert('forged'), { secret: `whsec_${randomBytes(24).toString('base64')}` });
    expect([forged.status, forged.body['reason']]).toEqual([401, 'bad_signature']);
    const tampered = await postRaw(`${platform.url}/api/webhooks/generic`, JSON.stringify(alert('tampered')), signWebhook(WEBHOOK_SECRET, 'msg_t', JSON.stringify(alert('other'))));
    expect([tampered.status, tampered.body['reason']]).toEqual([401, 'bad_signature']);
    const unsigned = await postRaw(`${platform.url}/api/webhooks/generic`, alert('unsigned'));
    expect([unsigned.status, unsigned.body['reason']]).toEqual([401, 'missing_headers']);
    const stale = await generic(alert('stale'), { nowMs: Date.now() - 6 * 60_000 });
    expect([stale.status, stale.body['reason']]).toEqual([401, 'stale_timestamp']);
    const replay = await generic(alert('settlement'), { id: 'msg_first' });
    expect(replay.status).toBe(409);
    expect(replay.body['message']).toMatch(/msg_first was already accepted/);

    const next = await generic(alert('payouts'), { id: 'msg_second' });
    expect(next.status).toBe(202);
    await watch.incidentOf('payouts');
    for (const service of ['forged', 'tampered', 'unsigned', 'stale']) expect(await watch.api.list(`service=${service}`)).toEqual([]);

    // Signed but invalid: 400 naming the field, and the id is not used up.
    const invalid = await generic({ alerts: [{ name: 'x', service: 'y', status: 'burning' }] }, { id: 'msg_third' });
    expect(invalid.status).toBe(400);
    expect((invalid.body['issues'] as Issue[]).map((i) => i.path)).toEqual(['alerts.0.status']);
    const extra = await generic({ alerts: [{ name: 'x', service: 'y', status: 'firing', colour: 'red' }] }, { id: 'msg_fourth' });
    expect(extra.status).toBe(400);
    expect(JSON.stringify(extra.body)).toContain('colour');
    expect((await generic(alert('settlement', 'resolved'), { id: 'msg_third' })).status).toBe(202);
    await watch.incidentOf('settlement', (i) => expect(i.signals[0]?.recoveredAt).not.toBeNull());
  });

  it('guards and validates: 401 without a token, 403 for a viewer, 400 naming the field, 413 over 1 MiB, 415 for non-JSON', async () => {
    const valid = alertmanagerPayload([{ status: 'firing', labels: { alertname: 'X', service: 'guarded' }, startsAt: minutesFromNow(-1), fingerprint: 'aaaa' }]);
    const anonymous = await postRaw(`${platform.url}/api/webhooks/alertmanager`, valid);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await alertmanager(valid, viewerToken)).status).toBe(403);
    expect((await alertmanager(valid, ADMIN_TOKEN)).status).toBe(202);

    const v3 = await alertmanager({ ...valid, version: '3' });
    expect(v3.status).toBe(400);
    expect((v3.body['issues'] as Issue[]).map((i) => i.path)).toEqual(['version']);
    const badAlert = await alertmanager({ ...valid, alerts: [{ ...valid.alerts[0], startsAt: 'last tuesday', labels: { alertname: 7 } }] });
    expect((badAlert.body['issues'] as Issue[]).map((i) => i.path).sort()).toEqual(['alerts.0.labels.alertname', 'alerts.0.startsAt']);
    const grafanaBad = await grafana({ receiver: 'x', status: 'firing', alerts: [] });
    expect((grafanaBad.body['issues'] as Issue[]).map((i) => i.path)).toEqual(['orgId']);

    const huge = alertmanagerPayload(
      Array.from({ length: 1200 }, (_, i) => ({ status: 'firing' as const, labels: { alertname: 'Big', service: 'huge', pad: 'x'.repeat(900) }, startsAt: minutesFromNow(-1), fingerprint: `f${i}` })),
    );
    const tooLarge = await alertmanager(huge);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body['message']).toMatch(/1048576-byte limit/);
    // Under the limit but over the 100 kB of the other routes: accepted.
    const large = await alertmanager({ ...huge, alerts: huge.alerts.slice(0, 300) });
    expect(large.status).toBe(202);
    expect(large.body['published']).toBe(300);

    const malformed = await postRaw(`${platform.url}/api/webhooks/alertmanager`, '{"version": "4",', { authorization: `Bearer ${responderToken}` });
    expect(malformed.status).toBe(400);
    expect(malformed.body['message']).toMatch(/not valid JSON/);
    const text = await postRaw(`${platform.url}/api/webhooks/alertmanager`, 'alert!', { authorization: `Bearer ${responderToken}`, 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    // The same limits whatever the path's spelling.
    expect((await postRaw(`${platform.url}/API/Webhooks/AlertManager/`, huge, { authorization: `Bearer ${responderToken}` })).status).toBe(413);
  });

  it('counts every request by source and outcome, and documents the routes', async () => {
    const metrics = await (await fetch(`${platform.url}/metrics`)).text();
    const count = (source: string, outcome: string): number =>
      Number(new RegExp(`^vigil_inbound_alert_requests_total\\{source="${source}",outcome="${outcome}"\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0);
    expect(count('alertmanager', 'accepted')).toBeGreaterThanOrEqual(5);
    expect(count('alertmanager', 'unauthorized')).toBeGreaterThanOrEqual(1);
    expect(count('alertmanager', 'forbidden')).toBeGreaterThanOrEqual(1);
    expect(count('alertmanager', 'invalid')).toBeGreaterThanOrEqual(2);
    expect(count('alertmanager', 'too_large')).toBeGreaterThanOrEqual(2);
    expect(count('alertmanager', 'unsupported_media_type')).toBe(1);
    expect(count('generic', 'replayed')).toBe(1);
    expect(count('generic', 'unauthorized')).toBe(4);
    expect(count('pagerduty', 'unauthorized')).toBe(1);
    expect(count('pagerduty', 'accepted')).toBeGreaterThanOrEqual(4);
    expect(metrics).toMatch(/^vigil_inbound_alert_events_total\{source="alertmanager",status="open"\} \d+/m);

    type Operation = { operationId: string; security?: unknown[]; 'x-vigil-role'?: string; requestBody?: unknown; responses: Record<string, unknown> };
    const doc = await watch.api.call<{ paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } }>('GET', '/api/docs/openapi.json');
    expect(doc.status).toBe(200);
    const paths = doc.body.paths;
    expect(paths['/api/webhooks/alertmanager']?.['post']).toMatchObject({ security: [{ bearer: [] }], 'x-vigil-role': 'responder', requestBody: expect.anything() });
    expect(paths['/api/webhooks/grafana']?.['post']).toMatchObject({ security: [{ bearer: [] }], 'x-vigil-role': 'responder' });
    expect(paths['/api/webhooks/pagerduty']?.['post']).toMatchObject({ security: [], requestBody: expect.anything() });
    expect(paths['/api/webhooks/generic']?.['post']).toMatchObject({ security: [] });
    expect(Object.keys(paths['/api/webhooks/generic']?.['post']?.responses ?? {})).toContain('202');
    const operations = Object.values(paths).flatMap((methods) => Object.values(methods));
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(operations.length);
    for (const [, ref] of JSON.stringify(doc.body).matchAll(/"\$ref":"([^"]+)"/g)) expect(doc.body.components.schemas).toHaveProperty([ref!.split('/').pop()!]);
  });

  describe('without the bus, and without secrets', () => {
    let api: ApiServer;
    const bus = new ControllableBus();
    const registry = new Registry();
    const received: BusMessage[] = [];

    beforeAll(async () => {
      await bus.inner.subscribe({ groupId: 'inbound-spec', topics: ['vigil.anomalies'], handler: async (batch) => void received.push(...batch) });
      const logger = pino({ level: process.env['VIGIL_TEST_LOG_LEVEL'] ?? 'silent' });
      api = await startApi(
        { db: platform.db, logger, registry, adminToken: ADMIN_TOKEN, readiness: { report: async () => ({ ready: true, checks: {} }) }, alerts: { bus, topic: 'vigil.anomalies' } },
        { host: '127.0.0.1', port: 0 },
      );
    });
    afterAll(async () => {
      await api?.close();
      await bus.shutdown();
    });

    it('answers 503 with Retry-After while publishing fails, stores nothing, and opens once the bus is back', async () => {
      const body = alertmanagerPayload([{ status: 'firing', labels: { alertname: 'Down', service: 'busless' }, startsAt: minutesFromNow(-2), fingerprint: 'c0ffee' }]);
      const send = (): Promise<Reply> => postRaw(`${api.url}/api/webhooks/alertmanager`, body, { authorization: `Bearer ${ADMIN_TOKEN}` });
      bus.failing = true;
      const refused = await send();
      expect([refused.status, refused.headers.get('retry-after')]).toEqual([503, '5']);
      expect(refused.body['message']).toMatch(/could not publish to vigil\.anomalies; retry after 5 s/);
      bus.failing = false;
      expect((await send()).status).toBe(202);
      expect((await send()).status).toBe(202);
      await expectEventually(() => expect(received).toHaveLength(2));
      const events = received.map((m) => JSON.parse(m.value.toString('utf8')) as AnomalyEvent);
      // The refused request changed nothing: the first accepted one is the episode's open.
      expect(events.map((e) => e.status)).toEqual(['open', 'update']);
      expect(received.map((m) => [m.key?.toString(), m.headers['vigil-anomaly']])).toEqual([
        ['busless', 'alert'],
        ['busless', 'alert'],
      ]);
      expect(await registry.getSingleMetricAsString('vigil_inbound_alert_requests_total')).toMatch(/source="alertmanager",outcome="unavailable"\} 1/);
    });

    it('answers 404 on the PagerDuty and generic routes when their secrets are unset, as if absent', async () => {
      const pd = await postRaw(`${api.url}/api/webhooks/pagerduty`, { routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: 'x' });
      expect([pd.status, pd.body['message']]).toEqual([404, 'Cannot POST /api/webhooks/pagerduty']);
      const raw = JSON.stringify({ alerts: [] });
      const gen = await postRaw(`${api.url}/api/webhooks/generic`, raw, signWebhook(WEBHOOK_SECRET, 'msg_x', raw));
      expect(gen.status).toBe(404);
    });
  });
});
