import type { Platform } from '@vigil/cli';
import type { VigilConfig } from '@vigil/config';
import { WebhookDeliveryRepository, webhookDeliveryId, webhookOutbox } from '@vigil/store';
import { expectEventually, useTestDatabase } from '@vigil/testing';
import { signWebhook, verifyWebhook } from '@vigil/webhooks';
import { startTestPlatform } from '../e2e/platform-fixture';
import { anomalyEvent } from '../incidents/anomaly-traffic';
import { incidentApi, type IncidentJson } from '../incidents/incident-api';
import { WebhookReceiver, type ReceivedWebhook } from './webhook-receiver';

const ADMIN_TOKEN = 'webhooks-admin-token-0123456789';
const MAX_ATTEMPTS = 3;

interface SubscriptionJson {
  id: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  createdBy: string;
  createdAt: string;
  disabledAt: string | null;
  secret?: string;
}

interface DeliveryJson {
  id: string;
  subscriptionId: string;
  eventType: string;
  eventId: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  payload: { type: string; timestamp: string; data: Record<string, unknown> };
}

interface Payload {
  type: string;
  timestamp: string;
  data: IncidentJson & { change?: { actor: string; type: string; text: string; data: Record<string, unknown> } };
}

const payloadOf = (r: ReceivedWebhook): Payload => JSON.parse(r.body) as Payload;

/**
 * Outbound webhooks on the all-in-one platform with a real PostgreSQL and a receiver on
 * 127.0.0.1: subscriptions over the API, signed deliveries of incident events (made by people
 * and by the responder), retries with backoff and Retry-After, dead letters and their retry,
 * filtering by event type, and re-sending after a dispatcher died mid-delivery.
 */
describe('outbound webhooks', () => {
  const pg = useTestDatabase();
  const receiver = new WebhookReceiver();
  let platform: Platform;
  let config: VigilConfig;
  let admin: ReturnType<typeof incidentApi>;
  let alice: ReturnType<typeof incidentApi>;
  let viewer: ReturnType<typeof incidentApi>;

  beforeAll(async () => {
    await receiver.start();
    ({ platform, config } = await startTestPlatform({
      DATABASE_URL: pg.url,
      VIGIL_ADMIN_TOKEN: ADMIN_TOKEN,
      VIGIL_WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      VIGIL_WEBHOOK_BACKOFF_BASE_MS: '100',
      VIGIL_WEBHOOK_BACKOFF_CAP_MS: '400',
      VIGIL_WEBHOOK_POLL_MS: '50',
      VIGIL_WEBHOOK_TIMEOUT_MS: '1500',
    }));
    admin = incidentApi(platform.url, ADMIN_TOKEN);
    const token = async (name: string, role: string): Promise<string> => (await admin.call<{ token: string }>('POST', '/api/tokens', { name, role })).body.token;
    alice = incidentApi(platform.url, await token('alice', 'responder'));
    viewer = incidentApi(platform.url, await token('victor', 'viewer'));
  });
  afterAll(async () => {
    await platform?.stop();
    await receiver.stop();
  });

  const subscribe = async (path: string, eventTypes: string[], description?: string): Promise<SubscriptionJson & { secret: string }> => {
    const r = await admin.call<SubscriptionJson & { secret: string }>('POST', '/api/webhook-subscriptions', { url: `${receiver.url}${path}`, eventTypes, ...(description ? { description } : {}) });
    expect(r.status).toBe(201);
    return r.body;
  };
  const unsubscribe = async (id: string): Promise<void> => {
    expect((await admin.call('DELETE', `/api/webhook-subscriptions/${id}`)).status).toBe(204);
  };
  const declare = async (title: string): Promise<IncidentJson> => {
    const r = await alice.call<IncidentJson>('POST', '/api/incidents', { title, severity: 'sev2', services: ['payments'] });
    expect(r.status).toBe(201);
    return r.body;
  };
  const deliveries = async (query: string): Promise<DeliveryJson[]> => {
    const r = await admin.call<{ items: DeliveryJson[] }>('GET', `/api/webhook-deliveries?${query}`);
    expect(r.status).toBe(200);
    return r.body.items;
  };

  it('signs and delivers incident.declared with the incident as the API shows it', async () => {
    const sub = await subscribe('/declared', ['incident.declared'], 'pager bridge');
    expect(sub.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(sub).toMatchObject({ eventTypes: ['incident.declared'], description: 'pager bridge', createdBy: 'bootstrap-admin', disabledAt: null });
    const incident = await declare('Card payments failing');
    const [got] = await expectEventually(() => {
      const arrived = receiver.at('/declared');
      expect(arrived).toHaveLength(1);
      return arrived;
    });
    const request = got as ReceivedWebhook;
    expect(request.headers['content-type']).toBe('application/json');
    expect(verifyWebhook(sub.secret, request.headers, request.body)).toEqual({ ok: true });
    expect(verifyWebhook(sub.secret, request.headers, `${request.body} `)).toEqual({ ok: false, reason: 'bad_signature' });
    const payload = payloadOf(request);
    expect(payload.type).toBe('incident.declared');
    expect(Date.parse(payload.timestamp)).toBe(Date.parse(incident.openedAt));
    const { change, ...data } = payload.data;
    const shown = (await viewer.call<IncidentJson & { signals?: unknown }>('GET', `/api/incidents/${incident.id}`)).body;
    delete shown.signals;
    expect(data).toEqual(shown);
    expect(change).toMatchObject({ actor: 'alice', type: 'declared', data: { severity: 'sev2', services: ['payments'] } });
    // The delivery log: delivered on the first attempt, its id the webhook-id header.
    const [logged] = await expectEventually(async () => {
      const items = await deliveries(`subscriptionId=${sub.id}`);
      expect(items[0]?.status).toBe('delivered');
      return items;
    });
    expect(logged).toMatchObject({ id: request.headers['webhook-id'], eventType: 'incident.declared', attempts: 1, lastStatusCode: 204, lastError: null, nextAttemptAt: null, payload: { type: 'incident.declared' } });
    expect(logged?.deliveredAt).not.toBeNull();
    // The secret is shown once: never listed.
    const listed = (await admin.call<{ items: SubscriptionJson[] }>('GET', '/api/webhook-subscriptions')).body.items.find((s) => s.id === sub.id);
    expect(listed).toMatchObject({ id: sub.id, url: `${receiver.url}/declared` });
    expect(listed).not.toHaveProperty('secret');
    await unsubscribe(sub.id);
  });

  it('retries a failing receiver with the same webhook-id until it answers 2xx', async () => {
    const sub = await subscribe('/flaky', ['incident.acknowledged']);
    receiver.on('/flaky', (n) => (n < 2 ? { status: 500, body: 'upstream broke' } : { status: 200 }));
    const incident = await declare('Ledger lag');
    expect((await alice.call('POST', `/api/incidents/${incident.id}/acknowledge`, { note: 'looking' })).status).toBe(200);
    await expectEventually(async () => expect((await deliveries(`subscriptionId=${sub.id}`))[0]).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200 }));
    const attempts = receiver.at('/flaky');
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((a) => a.headers['webhook-id'])).size).toBe(1);
    expect(attempts.map((a) => verifyWebhook(sub.secret, a.headers, a.body).ok)).toEqual([true, true, true]);
    expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
    expect(payloadOf(attempts[0] as ReceivedWebhook)).toMatchObject({ type: 'incident.acknowledged', data: { id: incident.id, status: 'acknowledged', change: { actor: 'alice', text: 'Acknowledged by alice: looking' } } });
    await unsubscribe(sub.id);
  });

  it('dead-letters a delivery after the last attempt, lists it in the log, and an admin can send it again', async () => {
    const sub = await subscribe('/down', ['incident.note_added']);
    let healthy = false;
    receiver.on('/down', () => (healthy ? { status: 202 } : { status: 503, body: 'maintenance\n' }));
    const incident = await declare('Checkout slow');
    expect((await alice.call('POST', `/api/incidents/${incident.id}/notes`, { text: 'DB failover in progress' })).status).toBe(201);
    const dead = await expectEventually(async () => {
      const [item] = await deliveries(`subscriptionId=${sub.id}&status=dead`);
      expect(item).toMatchObject({ status: 'dead', attempts: MAX_ATTEMPTS, lastStatusCode: 503, lastError: 'HTTP 503: maintenance', nextAttemptAt: null, deliveredAt: null });
      return item as DeliveryJson;
    });
    expect(receiver.at('/down')).toHaveLength(MAX_ATTEMPTS);
    expect(dead.payload).toMatchObject({ type: 'incident.note_added', data: { id: incident.id, change: { type: 'note', text: 'DB failover in progress' } } });
    expect(await deliveries(`subscriptionId=${sub.id}&status=pending`)).toEqual([]);
    // Only admins see the log and revive deliveries.
    expect((await viewer.call('GET', '/api/webhook-deliveries')).status).toBe(403);
    expect((await alice.call('POST', `/api/webhook-deliveries/${dead.id}/retry`)).status).toBe(403);
    healthy = true;
    const revived = await admin.call<DeliveryJson>('POST', `/api/webhook-deliveries/${dead.id}/retry`);
    expect(revived.status).toBe(200);
    expect(revived.body).toMatchObject({ id: dead.id, status: 'pending', attempts: 0 });
    await expectEventually(async () => expect((await deliveries(`subscriptionId=${sub.id}`))[0]).toMatchObject({ id: dead.id, status: 'delivered', attempts: 1, lastStatusCode: 202, lastError: null }));
    const all = receiver.at('/down');
    expect(all).toHaveLength(MAX_ATTEMPTS + 1);
    expect(all[MAX_ATTEMPTS]?.headers['webhook-id']).toBe(dead.id);
    const again = await admin.call<{ error: string }>('POST', `/api/webhook-deliveries/${dead.id}/retry`);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('not_dead');
    expect((await admin.call('POST', '/api/webhook-deliveries/msg_nope/retry')).status).toBe(404);
    // Every write is audited.
    const audit = await admin.call<{ items: { action: string; targetId: string }[] }>('GET', `/api/audit?targetId=${dead.id}`);
    expect(audit.body.items.map((a) => a.action)).toEqual(['webhook_delivery.retry']);
    await unsubscribe(sub.id);
    const subAudit = await admin.call<{ items: { action: string; after: Record<string, unknown> }[] }>('GET', `/api/audit?targetType=webhook_subscription&targetId=${sub.id}`);
    expect(subAudit.body.items.map((a) => a.action).sort()).toEqual(['webhook_subscription.create', 'webhook_subscription.disable']);
    expect(JSON.stringify(subAudit.body.items)).not.toContain(sub.secret);
  });

  it('gives a subscription to incident.* every incident event and no run.* event; run.* subscribers get run events, once each', async () => {
    const incidents = await subscribe('/incidents', ['incident.*']);
    const runs = await subscribe('/runs', ['run.*']);
    const incident = await declare('Queue backlog');
    await alice.call('POST', `/api/incidents/${incident.id}/severity`, { severity: 'sev1', reason: 'all regions' });
    await alice.call('POST', `/api/incidents/${incident.id}/mitigate`, {});
    await alice.call('POST', `/api/incidents/${incident.id}/resolve`, { note: 'drained' });
    await alice.call('POST', `/api/incidents/${incident.id}/reopen`, {});
    await alice.call('POST', `/api/incidents/${incident.id}/commander`, { commander: 'dana' });
    // What the runbook engine does inside its own transaction.
    const run = { type: 'run.started', id: 'run-1:started', occurredAtMs: Date.now(), data: { runId: 'run-1', runbook: 'restart-payments', incidentId: incident.id } };
    await platform.db.transaction((tx) => webhookOutbox.enqueue(tx, [run]));
    expect(await platform.db.transaction((tx) => webhookOutbox.enqueue(tx, [run]))).toBe(0);
    await expectEventually(() => {
      expect(receiver.at('/incidents').map((r) => payloadOf(r).type).sort()).toEqual(
        ['incident.declared', 'incident.severity_changed', 'incident.mitigated', 'incident.resolved', 'incident.reopened', 'incident.updated'].sort(),
      );
      expect(receiver.at('/runs').map((r) => payloadOf(r).type)).toEqual(['run.started']);
    });
    const severity = receiver.at('/incidents').map(payloadOf).find((p) => p.type === 'incident.severity_changed');
    expect(severity?.data).toMatchObject({ severity: 'sev1', change: { data: { from: 'sev2', to: 'sev1' } } });
    const runRequest = receiver.at('/runs')[0] as ReceivedWebhook;
    expect(verifyWebhook(runs.secret, runRequest.headers, runRequest.body).ok).toBe(true);
    expect(verifyWebhook(incidents.secret, runRequest.headers, runRequest.body).ok).toBe(false);
    expect(payloadOf(runRequest)).toEqual({ type: 'run.started', timestamp: new Date(run.occurredAtMs).toISOString(), data: run.data });
    // A disabled subscription gets nothing more.
    await unsubscribe(incidents.id);
    await unsubscribe(runs.id);
    await declare('After unsubscribing');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.at('/incidents')).toHaveLength(6);
  });

  it('announces incidents the responder opens from anomalies', async () => {
    const sub = await subscribe('/auto', ['incident.opened', 'incident.updated']);
    const t0 = Date.now() - 3 * 60_000;
    const event = anomalyEvent(t0, { service: 'inventory', signal: 'GET /stock#error_ratio', minute: 0 });
    await platform.bus.publish(config.VIGIL_TOPIC_ANOMALIES, [{ key: event.service, value: JSON.stringify(event) }]);
    const opened = await expectEventually(() => {
      const got = receiver.at('/auto').map(payloadOf).find((p) => p.type === 'incident.opened');
      expect(got).toBeDefined();
      return got as Payload;
    });
    expect(opened.data).toMatchObject({ services: ['inventory'], status: 'triggered', declared: false });
    expect(opened.data).not.toHaveProperty('change');
    const { signals: _signals, ...shown } = (await viewer.call<IncidentJson & { signals: unknown }>('GET', `/api/incidents/${opened.data.id}`)).body;
    expect(opened.data).toEqual(shown);
    await unsubscribe(sub.id);
  });

  it('waits as long as a 429 Retry-After asks', async () => {
    const sub = await subscribe('/busy', ['incident.declared']);
    receiver.on('/busy', (n) => (n === 0 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 }));
    await declare('Rate limited receiver');
    await expectEventually(async () => expect((await deliveries(`subscriptionId=${sub.id}`))[0]).toMatchObject({ status: 'delivered', attempts: 2 }));
    const [first, second] = receiver.at('/busy') as [ReceivedWebhook, ReceivedWebhook];
    // The backoff alone would be under 100 ms here.
    expect(second.atMs - first.atMs).toBeGreaterThanOrEqual(1900);
    await unsubscribe(sub.id);
  });

  it('records a receiver that does not answer in time', async () => {
    const sub = await subscribe('/hang', ['incident.declared']);
    receiver.on('/hang', () => null);
    await declare('Silent receiver');
    await expectEventually(async () => expect((await deliveries(`subscriptionId=${sub.id}`))[0]).toMatchObject({ status: 'dead', attempts: MAX_ATTEMPTS, lastStatusCode: null, lastError: 'timed out after 1500 ms' }), {
      timeoutMs: 20_000,
    });
    await unsubscribe(sub.id);
  });

  it('sends a delivery again, with the same webhook-id, when a dispatcher died between sending and recording', async () => {
    const sub = await subscribe('/crash', ['run.finished']);
    const event = { type: 'run.finished', id: 'run-9:finished', occurredAtMs: Date.now(), data: { runId: 'run-9', outcome: 'succeeded' } };
    // A dispatcher that claims (a 500 ms lease), sends, and dies before recording anything.
    const [claimed] = await platform.db.transaction(async (tx) => {
      await webhookOutbox.enqueue(tx, [event]);
      return new WebhookDeliveryRepository(tx).claimDue(100, 500);
    });
    expect(claimed).toMatchObject({ id: webhookDeliveryId(sub.id, event.id), attempt: 1 });
    const sent = await fetch(`${receiver.url}/crash`, { method: 'POST', headers: { 'content-type': 'application/json', ...signWebhook(sub.secret, claimed!.id, claimed!.body) }, body: claimed!.body });
    expect(sent.status).toBe(204);
    // The platform's dispatcher takes it over once the lease ends.
    await expectEventually(async () => expect((await deliveries(`subscriptionId=${sub.id}`))[0]).toMatchObject({ status: 'delivered', attempts: 2 }));
    const got = receiver.at('/crash');
    expect(got).toHaveLength(2);
    expect(got.map((r) => r.headers['webhook-id'])).toEqual([claimed!.id, claimed!.id]);
    expect(got[1]?.body).toBe(got[0]?.body);
    await unsubscribe(sub.id);
  });

  it('validates subscriptions and pages through the delivery log', async () => {
    const bad = async (body: unknown): Promise<string[]> => {
      const r = await admin.call<{ issues: { path: string }[] }>('POST', '/api/webhook-subscriptions', body);
      expect(r.status).toBe(400);
      return r.body.issues.map((i) => i.path);
    };
    expect(await bad({ url: 'ftp://example.com/hook', eventTypes: ['incident.*'] })).toEqual(['url']);
    expect(await bad({ url: 'not a url', eventTypes: ['incident.*'] })).toEqual(['url']);
    expect(await bad({ url: 'https://example.com/hook', eventTypes: ['incident.acknowleged'] })).toEqual(['eventTypes.0']);
    expect(await bad({ url: 'https://example.com/hook', eventTypes: [] })).toEqual(['eventTypes']);
    expect(await bad({ url: 'https://example.com/hook', eventTypes: ['*'], secret: 'mine' })).toEqual(['']);
    expect((await alice.call('POST', '/api/webhook-subscriptions', { url: 'https://example.com/hook', eventTypes: ['*'] })).status).toBe(403);
    expect((await viewer.call('GET', '/api/webhook-subscriptions')).status).toBe(403);
    expect((await admin.call('DELETE', '/api/webhook-subscriptions/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await admin.call('GET', '/api/webhook-deliveries?status=lost')).status).toBe(400);
    expect((await admin.call('GET', '/api/webhook-deliveries?cursor=bogus')).status).toBe(400);
    // Every delivery so far, two at a time, none twice, newest first.
    const seen: DeliveryJson[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: DeliveryJson[]; nextCursor: string | null } } = await admin.call('GET', `/api/webhook-deliveries?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen.map((d) => d.id)).size).toBe(seen.length);
    expect(seen.length).toBe((await deliveries('limit=200')).length);
    expect(seen.length).toBeGreaterThan(10);
    const created = seen.map((d) => Date.parse(d.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
    // The OpenAPI document lists the routes with their role.
    const doc = (await admin.call<{ paths: Record<string, Record<string, unknown>> }>('GET', '/api/docs/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/webhook-subscriptions', '/api/webhook-subscriptions/{id}', '/api/webhook-deliveries', '/api/webhook-deliveries/{id}/retry']));
  });
});
