import {
  createPgliteDatabase,
  InvalidCursorError,
  matchesEventType,
  migrate,
  webhookDeliveryId,
  WebhookDeliveryRepository,
  webhookOutbox,
  WebhookSubscriptionRepository,
  type Database,
} from '@vigil/store';
import { useTestDatabase } from '@vigil/testing';

const event = (type: string, id: string, data: unknown = { id }) => ({ type, id, occurredAtMs: Date.parse('2026-01-02T03:04:05.678Z'), data });

/** The webhook outbox, claiming and the delivery log: the same contract on both drivers. */
function describeDriver(name: string, open: () => Database): void {
  describe(`webhook store on ${name}`, () => {
    beforeAll(async () => {
      await migrate(open());
    });
    beforeEach(async () => {
      await open().query('DELETE FROM webhook_deliveries');
      await open().query('UPDATE webhook_subscriptions SET disabled_at = now() WHERE disabled_at IS NULL');
    });

    it('enqueues one delivery per matching active subscription, in the caller transaction, once per event id', async () => {
      const subs = new WebhookSubscriptionRepository(open());
      const all = await subs.create({ url: 'https://a.example/hook', eventTypes: ['*'], createdBy: 'admin' });
      const incidents = await subs.create({ url: 'https://b.example/hook', eventTypes: ['incident.*'], description: 'pager', createdBy: 'admin' });
      const runs = await subs.create({ url: 'http://c.example/hook', eventTypes: ['run.finished', 'run.escalated'], createdBy: 'admin' });
      const off = await subs.create({ url: 'https://d.example/hook', eventTypes: ['*'], createdBy: 'admin' });
      await subs.disable(off.id);
      expect(all.secret).toMatch(/^whsec_/);

      // Rolled back with the change: nothing was promised.
      await expect(
        open().transaction(async (tx) => {
          await webhookOutbox.enqueue(tx, [event('incident.opened', 'e0')]);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect((await new WebhookDeliveryRepository(open()).list({ limit: 100 })).items).toEqual([]);

      const added = await open().transaction((tx) => webhookOutbox.enqueue(tx, [event('incident.opened', 'e1'), event('run.started', 'e2'), event('run.finished', 'e3')]));
      expect(added).toBe(2 + 1 + 2);
      expect(await open().transaction((tx) => webhookOutbox.enqueue(tx, [event('incident.opened', 'e1', { changed: true })]))).toBe(0);
      const log = (await new WebhookDeliveryRepository(open()).list({ limit: 100 })).items;
      const pairs = log.map((d) => `${d.subscriptionId === all.id ? 'all' : d.subscriptionId === incidents.id ? 'incidents' : 'runs'}:${d.eventType}`).sort();
      expect(pairs).toEqual(['all:incident.opened', 'all:run.finished', 'all:run.started', 'incidents:incident.opened', 'runs:run.finished']);
      const one = log.find((d) => d.subscriptionId === runs.id);
      expect(one).toMatchObject({
        id: webhookDeliveryId(runs.id, 'e3'),
        eventId: 'e3',
        status: 'pending',
        attempts: 0,
        lastStatusCode: null,
        lastError: null,
        deliveredAt: null,
        payload: { type: 'run.finished', timestamp: '2026-01-02T03:04:05.678Z', data: { id: 'e3' } },
      });
      expect(one?.nextAttemptAt).not.toBeNull();
      expect((await subs.get(off.id))?.disabledAt).not.toBeNull();
    });

    it('claims each due delivery once, leases it, and records only the attempt it claimed', async () => {
      const sub = await new WebhookSubscriptionRepository(open()).create({ url: 'https://e.example/hook', eventTypes: ['run.*'], createdBy: 'admin' });
      await open().transaction((tx) => webhookOutbox.enqueue(tx, [1, 2, 3, 4, 5].map((n) => event('run.step', `s${n}`))));
      const repo = new WebhookDeliveryRepository(open());
      const [a, b] = await Promise.all([repo.claimDue(3, 60_000), repo.claimDue(3, 60_000)]);
      const claimed = [...a, ...b];
      expect(claimed).toHaveLength(5);
      expect(new Set(claimed.map((c) => c.id)).size).toBe(5);
      expect(claimed.every((c) => c.attempt === 1 && c.url === 'https://e.example/hook' && c.secret === sub.secret && !c.subscriptionDisabled)).toBe(true);
      expect(JSON.parse(claimed[0]!.body)).toMatchObject({ type: 'run.step' });
      expect(await repo.claimDue(10, 60_000)).toEqual([]);

      const [first, second, third] = claimed as [(typeof claimed)[0], (typeof claimed)[0], (typeof claimed)[0]];
      expect(await repo.record(first.id, 1, { status: 'delivered', statusCode: 200 })).toBe(true);
      expect(await repo.record(first.id, 1, { status: 'dead', statusCode: 500, error: 'late' })).toBe(false);
      expect(await repo.record(second.id, 1, { status: 'pending', statusCode: 503, error: 'HTTP 503: busy', retryInMs: 0 })).toBe(true);
      expect(await repo.record(third.id, 1, { status: 'dead', statusCode: null, error: 'x'.repeat(5000) })).toBe(true);
      expect(await repo.get(first.id)).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200, nextAttemptAt: null });
      expect((await repo.get(third.id))?.lastError).toHaveLength(1001);

      // Retried at once (retryInMs 0): claimed again as attempt 2; its first claim can no longer record.
      const again = await repo.claimDue(10, 60_000);
      expect(again.map((c) => [c.id, c.attempt])).toEqual([[second.id, 2]]);
      expect(await repo.record(second.id, 1, { status: 'delivered', statusCode: 200 })).toBe(false);

      // A lease that ran out (its claimer died): due again, same id.
      await open().query(`UPDATE webhook_deliveries SET next_attempt_at = now() - interval '1 second' WHERE id = $1`, [claimed[3]!.id]);
      expect((await repo.claimDue(10, 60_000)).map((c) => [c.id, c.attempt])).toEqual([[claimed[3]!.id, 2]]);

      // Dead → pending with fresh attempts; only dead ones.
      expect(await repo.revive(first.id)).toBeNull();
      expect(await repo.revive(third.id)).toMatchObject({ id: third.id, status: 'pending', attempts: 0 });
      expect((await repo.claimDue(10, 60_000)).map((c) => [c.id, c.attempt])).toEqual([[third.id, 1]]);

      // Disabling ends what is still pending.
      await new WebhookSubscriptionRepository(open()).disable(sub.id);
      const pending = (await repo.list({ limit: 100, subscriptionId: sub.id, status: 'pending' })).items;
      expect(pending).toEqual([]);
      expect((await repo.list({ limit: 100, subscriptionId: sub.id, status: 'dead' })).items.map((d) => d.lastError)).toContain('subscription disabled');
      expect(await new WebhookSubscriptionRepository(open()).disable(sub.id)).toBeNull();
    });

    it('pages through the log newest first, none twice, and refuses a cursor it did not make', async () => {
      await new WebhookSubscriptionRepository(open()).create({ url: 'https://f.example/hook', eventTypes: ['*'], createdBy: 'admin' });
      for (let batch = 0; batch < 3; batch++) {
        await open().transaction((tx) => webhookOutbox.enqueue(tx, [0, 1, 2, 3].map((n) => event('incident.updated', `b${batch}-${n}`))));
      }
      const repo = new WebhookDeliveryRepository(open());
      const seen: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await repo.list({ limit: 5, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((d) => d.eventId));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen).toHaveLength(12);
      expect(new Set(seen).size).toBe(12);
      expect(seen.slice(0, 4).every((id) => id.startsWith('b2-'))).toBe(true);
      expect(seen.slice(8).every((id) => id.startsWith('b0-'))).toBe(true);
      await expect(repo.list({ limit: 5, cursor: 'bogus' })).rejects.toBeInstanceOf(InvalidCursorError);
      await expect(repo.list({ limit: 5, cursor: Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url') })).rejects.toBeInstanceOf(InvalidCursorError);
    });
  });
}

describe('event type patterns', () => {
  it('match exact types, namespaces and everything', () => {
    expect(matchesEventType(['incident.*'], 'incident.opened')).toBe(true);
    expect(matchesEventType(['incident.*'], 'run.started')).toBe(false);
    expect(matchesEventType(['incident.*'], 'incidents.opened')).toBe(false);
    expect(matchesEventType(['run.finished'], 'run.finished')).toBe(true);
    expect(matchesEventType(['run.finished'], 'run.finished_early')).toBe(false);
    expect(matchesEventType(['*'], 'run.step')).toBe(true);
    expect(matchesEventType([], 'run.step')).toBe(false);
  });
});

const pg = useTestDatabase({ migrate: false });
describeDriver('postgres', () => pg.db);

let lite: Database;
beforeAll(async () => {
  lite = await createPgliteDatabase();
});
afterAll(() => lite.close());
describeDriver('pglite', () => lite);
