import type { AnomalyEvent } from '@vigil/contracts';
import { DEFAULT_CORRELATION_OPTIONS, ServiceDependencyGraph } from '@vigil/incidents';
import { createPgliteDatabase, IncidentRepository, IncidentTimelineRepository, migrate, type Database } from '@vigil/store';
import { IncidentBook } from './incident-book';

const T0 = Date.UTC(2026, 10, 25, 8, 0);
const MIN = 60_000;
const graph = new ServiceDependencyGraph([
  { caller: 'gateway', callee: 'payments' },
  { caller: 'payments', callee: 'ledger' },
  { caller: 'ledger', callee: 'postgres' },
]);

function event(service: string, minute: number, status: AnomalyEvent['status'] = 'open', observed = 1): AnomalyEvent {
  const signal = service === 'gateway' ? 'span:server:POST /checkout#errors' : `${service}#p95`;
  return {
    v: 1, id: `e${service}${minute}`, status, kind: 'span_red', service, fingerprint: `${service}|${signal}`, signal,
    timeUnixNano: `${T0 + minute * MIN}000000`, score: 0.9, summary: `${signal} = ${observed} (expected 0)`, observed, expected: 0, lower: 0, upper: 1, template: null, evidence: [],
  };
}

/** The responder's write path on a real (embedded) PostgreSQL: merges, severity, inhibition. */
describe('IncidentBook', () => {
  let db: Database;
  beforeEach(async () => {
    db = await createPgliteDatabase();
    await migrate(db);
  });
  afterEach(() => db.close());

  async function run(book: IncidentBook, events: AnomalyEvent[]) {
    return db.transaction(async (tx) => {
      const repo = new IncidentRepository(tx);
      const state = await repo.lockState();
      if (book.version !== state.version) await book.reload(tx, state);
      const outcome = await book.apply(tx, events, { silences: [], maintenance: [] }, Date.now());
      await repo.saveState({ version: state.version + 1, watermarkMs: book.watermarkMs, nextNumber: book.nextNumber });
      book.version = state.version + 1;
      return outcome;
    });
  }

  it('merges two incidents a later signal connects, moving every signal to the survivor', async () => {
    const book = new IncidentBook(graph, { correlation: DEFAULT_CORRELATION_OPTIONS, catalog: { gateway: { customerFacing: true, slo: { errorRatio: 0.01 } } } });
    // gateway and postgres are three calls apart: two incidents, until payments connects them.
    await run(book, [event('gateway', 3, 'open', 0.2), event('postgres', 0)]);
    await run(book, [event('payments', 2)]);
    const repo = new IncidentRepository(db);
    const all = (await repo.list({ limit: 10, includeMerged: true })).items;
    expect(all).toHaveLength(2);
    const survivor = all.find((i) => !i.mergedInto)!;
    const merged = all.find((i) => i.mergedInto)!;
    expect(merged).toMatchObject({ mergedInto: survivor.id, status: 'resolved' });
    expect([...survivor.services].sort()).toEqual(['gateway', 'payments', 'postgres']);
    expect((await repo.signals(survivor.id)).map((s) => s.service).sort()).toEqual(['gateway', 'payments', 'postgres']);
    expect(await repo.signals(merged.id)).toEqual([]);
    expect(survivor.rootCauseHints[0]?.service).toBe('postgres');
    expect(survivor.severity).toBe('sev1');
    const types = (await new IncidentTimelineRepository(db).list(survivor.id, { limit: 50 })).items.map((e) => e.type);
    expect(types).toContain('merged_in');
  });

  it('lets an open sev1 on a dependency inhibit a later, lesser incident upstream, and lifts it when the sev1 resolves', async () => {
    const book = new IncidentBook(graph, { correlation: { ...DEFAULT_CORRELATION_OPTIONS, joinWindowMinutes: 1, resolveAfterMinutes: 1 }, catalog: { postgres: { customerFacing: true, slo: { latencyP95Ms: 100 } } } });
    await run(book, [event('postgres', 0, 'open', 900)]);
    // payments 30 min later: outside the join window, but explained by the database's sev1.
    await run(book, [event('payments', 30, 'open', 5)]);
    const repo = new IncidentRepository(db);
    const [payments] = (await repo.list({ limit: 10, service: 'payments' })).items;
    const [postgres] = (await repo.list({ limit: 10, service: 'postgres' })).items;
    expect(postgres?.severity).toBe('sev1');
    expect(payments).toMatchObject({ severity: 'sev4', suppressedBy: postgres?.id });
    await run(book, [event('postgres', 31, 'recover'), event('other', 40)]);
    expect((await repo.get(postgres!.id))?.status).toBe('resolved');
    expect((await repo.get(payments!.id))?.suppressedBy).toBeNull();
  });
});

describe('IncidentBook, one batch', () => {
  it('stores an incident opened and merged within the same batch as merged', async () => {
    const db = await createPgliteDatabase();
    await migrate(db);
    try {
      const book = new IncidentBook(graph, { correlation: DEFAULT_CORRELATION_OPTIONS, catalog: {} });
      await db.transaction(async (tx) => {
        const repo = new IncidentRepository(tx);
        await book.reload(tx, await repo.lockState());
        // postgres first, then gateway (3 calls away: its own incident), then payments joins both.
        await book.apply(tx, [event('postgres', 0), event('gateway', 3), event('payments', 2)], { silences: [], maintenance: [] }, Date.now());
      });
      const all = (await new IncidentRepository(db).list({ limit: 10, includeMerged: true })).items;
      expect(all.filter((i) => i.mergedInto === null)).toHaveLength(1);
      expect(all.find((i) => i.services.includes('gateway') && i.services.length === 1)?.mergedInto).toBe(all.find((i) => i.mergedInto === null)?.id);
    } finally {
      await db.close();
    }
  });
});

describe('IncidentBook, idle stream', () => {
  it('resolves recovered incidents when event time is advanced without events', async () => {
    const db = await createPgliteDatabase();
    await migrate(db);
    try {
      const book = new IncidentBook(graph, { correlation: { ...DEFAULT_CORRELATION_OPTIONS, resolveAfterMinutes: 5 }, catalog: {} });
      await db.transaction(async (tx) => {
        await book.reload(tx, await new IncidentRepository(tx).lockState());
        await book.apply(tx, [event('ledger', 0), event('ledger', 2, 'recover')], { silences: [], maintenance: [] }, Date.now());
        expect((await book.advance(tx, T0 + 6 * MIN, Date.now())).changes).toEqual([]);
        const outcome = await book.advance(tx, T0 + 7 * MIN, Date.now());
        expect(outcome.changes.map((c) => c.type)).toEqual(['resolved']);
        expect(outcome.touched[0]).toMatchObject({ status: 'resolved', resolvedAtMs: T0 + 7 * MIN });
      });
    } finally {
      await db.close();
    }
  });
});
