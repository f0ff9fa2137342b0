import { SlackSync, type DeskIncident, type SlackSyncOptions } from '@vigil/slack';
import { IncidentRepository, IncidentTimelineRepository, type Database, type Queryable, type StoredIncident } from '@vigil/store';
import { useTestDatabase } from '@vigil/testing';
import { pino } from 'pino';
import { MockSlackApi } from './mock-slack-api';

jest.setTimeout(60_000);

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let numbers = 100;

function storedIncident(title: string, severity: StoredIncident['severity'] = 'sev1'): StoredIncident {
  const now = Date.now();
  numbers += 1;
  return {
    id: `inc-sync-${numbers}`, number: numbers, title, status: 'triggered', severity, severitySource: 'human', severityReason: 'test', customerFacing: true, services: ['payments'],
    declared: true, declaredBy: 'test', commander: null, startedAtMs: now, openedAtMs: now, detectedAtMs: now, acknowledgedAtMs: null, mitigatedAtMs: null, resolvedAtMs: null,
    resolvedBy: null, resolution: null, lastActivityMs: now, mergedInto: null, suppressedBy: null, signature: [], rootCauseHints: [],
  };
}

function deskOf(i: StoredIncident): DeskIncident {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: i.id, number: i.number, title: i.title, status: i.status, severity: i.severity, services: i.services, commander: i.commander, openedAt: new Date(i.openedAtMs).toISOString(),
    acknowledgedAt: iso(i.acknowledgedAtMs), mitigatedAt: iso(i.mitigatedAtMs), resolvedAt: iso(i.resolvedAtMs), rootCauseHints: [], signals: [], similar: [], suggestedRunbooks: [],
    pendingApprovals: [], dashboardUrl: `https://vigil.example.com/#/incidents/${i.id}`,
  };
}

/**
 * SlackSync on its own, on a real PostgreSQL: several processes sharing one cursor, holes in the
 * timeline ids, an entry Slack keeps refusing, and a token that never reaches a log line.
 */
describe('SlackSync', () => {
  const pg = useTestDatabase();
  let mock: MockSlackApi;
  const syncs: SlackSync[] = [];

  beforeAll(async () => {
    mock = await MockSlackApi.start({ token: 'xoxb-secret-token-4242' });
  });
  afterEach(async () => {
    await Promise.all(syncs.splice(0).map((s) => s.stop()));
  });
  afterAll(() => mock.close());

  const open = (db: Database, options: Partial<SlackSyncOptions> = {}): SlackSync => {
    const sync = new SlackSync(db, {
      token: 'xoxb-secret-token-4242',
      apiUrl: `${mock.url}/api/`,
      minSeverity: 'sev2',
      responders: ['U1'],
      incident: async (id) => {
        const stored = await new IncidentRepository(db).get(id);
        return stored ? deskOf(stored) : null;
      },
      postmortem: async (id) => `# Postmortem ${id}\n`,
      pollIntervalMs: 50,
      backoff: { baseMs: 50, capMs: 200 },
      leaseMs: 1_000,
      ...options,
    });
    syncs.push(sync);
    sync.start();
    return sync;
  };
  const declare = async (db: Database, title: string): Promise<StoredIncident> => {
    const incident = storedIncident(title);
    await db.transaction(async (tx) => {
      await new IncidentRepository(tx).insert(incident);
      await new IncidentTimelineRepository(tx).add([{ incidentId: incident.id, atMs: Date.now(), actor: 'test', type: 'declared', text: `Declared: ${title}` }]);
    });
    return incident;
  };
  const note = (db: Queryable, incidentId: string, text: string) => new IncidentTimelineRepository(db).add([{ incidentId, atMs: Date.now(), actor: 'test', type: 'note', text }]);
  const threadTexts = (incidentNumber: number): string[] => {
    const channel = [...mock.channels.values()].find((c) => c.name.startsWith(`inc-${incidentNumber}-`));
    if (!channel) return [];
    const card = mock.messagesIn(channel.id)[0];
    return card ? mock.messagesIn(channel.id, card.ts).map((m) => m.text) : [];
  };

  it('any number of processes may run it: one advances the cursor at a time, the next takes over when it stops, nothing twice', async () => {
    const a = open(pg.db, { owner: 'process-a' });
    const b = open(pg.db, { owner: 'process-b' });
    const incident = await declare(pg.db, 'Shared cursor');
    for (let i = 1; i <= 5; i++) await note(pg.db, incident.id, `note ${i}`);
    await waitFor('five notes', () => threadTexts(incident.number).length === 6);
    const holder = (await a.status()).leaseOwner;
    expect(['process-a', 'process-b']).toContain(holder);
    // The holder stops (gives the lease up); the other carries on.
    await (holder === 'process-a' ? a : b).stop();
    for (let i = 6; i <= 8; i++) await note(pg.db, incident.id, `note ${i}`);
    await waitFor('three more notes', () => threadTexts(incident.number).length === 9);
    expect(threadTexts(incident.number)).toEqual(['Declared: Shared cursor', ...Array.from({ length: 8 }, (_, i) => `note ${i + 1}`)]);
    expect((await (holder === 'process-a' ? b : a).status()).leaseOwner).toBe(holder === 'process-a' ? 'process-b' : 'process-a');
    expect(mock.callsTo('conversations.create').filter((c) => String(c.params['name']).startsWith(`inc-${incident.number}-`))).toHaveLength(1);
  });

  it('waits for an entry still being written (a lower id, committed later) and passes a rolled-back hole after the grace', async () => {
    const sync = open(pg.db, { gapGraceMs: 1_500 });
    const incident = await declare(pg.db, 'Holes in the timeline');
    await waitFor('the declaration', () => threadTexts(incident.number).length === 1);

    // A transaction takes the next id and is slow to commit; a later entry commits first.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const insertedP = new Promise<void>((r) => (inserted = r));
    const slow = pg.db.transaction(async (tx) => {
      await note(tx, incident.id, 'slow writer (lower id)');
      inserted();
      await held;
    });
    await insertedP;
    await note(pg.db, incident.id, 'fast writer (higher id)');
    await new Promise((r) => setTimeout(r, 700));
    expect(threadTexts(incident.number)).toEqual(['Declared: Holes in the timeline']);
    expect((await sync.status()).behind).toBe(1);
    release();
    await slow;
    await waitFor('both, in id order', () => threadTexts(incident.number).length === 3);
    expect(threadTexts(incident.number).slice(1)).toEqual(['slow writer (lower id)', 'fast writer (higher id)']);

    // A rolled-back insert leaves a hole forever: passed once the grace is over.
    await pg.db.transaction(async (tx) => {
      await note(tx, incident.id, 'never committed');
      throw new Error('roll back');
    }).catch(() => undefined);
    const at = Date.now();
    await note(pg.db, incident.id, 'after the hole');
    await waitFor('the entry after the hole', () => threadTexts(incident.number).includes('after the hole'));
    expect(Date.now() - at).toBeGreaterThanOrEqual(1_300);
    expect(threadTexts(incident.number)).not.toContain('never committed');
  });

  it('skips one entry Slack keeps refusing after maxEntryAttempts, says so in the status, and goes on', async () => {
    const sync = open(pg.db, { maxEntryAttempts: 3 });
    const incident = await declare(pg.db, 'Refused entry');
    await waitFor('the declaration', () => threadTexts(incident.number).length === 1);
    mock.fail('chat.postMessage', 'msg_too_long', 3);
    await note(pg.db, incident.id, 'refused three times');
    await note(pg.db, incident.id, 'the next one goes through');
    await waitFor('the next entry', () => threadTexts(incident.number).includes('the next one goes through'));
    expect(threadTexts(incident.number)).not.toContain('refused three times');
    // The cursor moves just after the post.
    const status = await waitFor('the cursor', async () => {
      const s = await sync.status();
      return s.behind === 0 ? s : null;
    });
    expect(status.lastError).toMatch(/gave up on timeline entry \d+ \(note of inc-sync-\d+\) after 3 attempts: chat.postMessage: msg_too_long/);
  });

  it('stops sending to a channel someone archived, without holding the queue or counting it as an error', async () => {
    const sync = open(pg.db);
    const archived = await declare(pg.db, 'Archived channel');
    const other = await declare(pg.db, 'Still open');
    await waitFor('both declarations', () => threadTexts(archived.number).length === 1 && threadTexts(other.number).length === 1);
    const channel = [...mock.channels.values()].find((c) => c.name.startsWith(`inc-${archived.number}-`));
    channel!.archived = true;
    const from = mock.calls.length;
    const errorBefore = (await sync.status()).lastErrorAt;
    await note(pg.db, archived.id, 'postmortem edited');
    await note(pg.db, archived.id, 'and again');
    await note(pg.db, other.id, 'not held up');
    await waitFor('the other incident', () => threadTexts(other.number).includes('not held up'), 5_000);
    expect(threadTexts(archived.number)).toEqual(['Declared: Archived channel']);
    const status = await waitFor('the cursor', async () => {
      const s = await sync.status();
      return s.behind === 0 ? s : null;
    });
    expect(status.lastErrorAt).toBe(errorBefore);
    // One call found it archived; nothing was sent there after.
    expect(mock.calls.slice(from).filter((c) => c.params['channel'] === channel!.id).map((c) => c.method)).toEqual(['chat.postMessage']);
  });

  it('keeps retrying what it cannot fix (invalid_auth) and never writes the token to a log', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
    const sync = open(pg.db, { logger });
    mock.fail('conversations.create', 'invalid_auth', 3);
    mock.rateLimit(1, 1, 'conversations.invite');
    const incident = await declare(pg.db, 'Token hygiene');
    await waitFor('the declaration', () => threadTexts(incident.number).length === 1, 30_000);
    await mock.down('503');
    await note(pg.db, incident.id, 'while Slack answers 503');
    await waitFor('a 503 in the status', async () => (await sync.status()).lastError?.includes('HTTP 503'));
    await mock.up();
    await waitFor('the note', () => threadTexts(incident.number).includes('while Slack answers 503'), 30_000);
    const log = lines.join('');
    expect(log).toContain('invalid_auth');
    expect(log).toContain('HTTP 503');
    expect(log).toContain('rate limit');
    expect(log).not.toContain('secret-token-4242');
    expect(mock.calls.every((c) => c.token === 'xoxb-secret-token-4242')).toBe(true);
  });
});
