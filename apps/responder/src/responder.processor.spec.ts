import type { BusMessage } from '@vigil/bus';
import type { AnomalyEvent } from '@vigil/contracts';
import { DEFAULT_CORRELATION_OPTIONS, ServiceDependencyGraph } from '@vigil/incidents';
import { createPgliteDatabase, IncidentRepository, migrate, type Database } from '@vigil/store';
import { Registry } from 'prom-client';
import { IncidentBook } from './incident-book';
import { ResponderMetrics } from './responder.metrics';
import { ResponderProcessor } from './responder.processor';

const MIN = 60_000;

function message(offset: number, e: AnomalyEvent): BusMessage {
  return { topic: 'vigil.anomalies', partition: 0, offset: String(offset), key: Buffer.from(e.service), value: Buffer.from(JSON.stringify(e)), headers: {}, timestamp: '0' };
}
function event(atMs: number, status: AnomalyEvent['status']): AnomalyEvent {
  return { v: 1, id: 'e1', status, kind: 'metric', service: 'ledger', fingerprint: 'ledger|metric|lag', signal: 'lag', timeUnixNano: `${atMs}000000`, score: 0.9, summary: 'lag = 9', observed: 9, expected: 1, lower: 0, upper: 2, template: null, evidence: [] };
}

/** The idle watermark: a quiet live stream still resolves recovered incidents; a replay is left alone. */
describe('ResponderProcessor.tick', () => {
  let db: Database;
  beforeEach(async () => {
    db = await createPgliteDatabase();
    await migrate(db);
  });
  afterEach(() => db.close());

  const processor = (now: { ms: number }) =>
    new ResponderProcessor(db, new IncidentBook(new ServiceDependencyGraph(), { correlation: { ...DEFAULT_CORRELATION_OPTIONS, resolveAfterMinutes: 5 }, catalog: {} }), new ResponderMetrics(new Registry()), {
      namespace: 'test',
      consumerGroup: 'g',
      topology: async () => [],
      topologyRefreshMs: 0,
      now: () => now.ms,
    });

  it('resolves a recovered incident once a live stream has been quiet long enough', async () => {
    const now = { ms: Date.UTC(2026, 10, 25, 12, 0) };
    const p = processor(now);
    await p.handle([message(0, event(now.ms - 10 * MIN, 'open')), message(1, event(now.ms - 8 * MIN, 'recover'))], { highWatermark: '2' });
    const [incident] = (await new IncidentRepository(db).list({ limit: 5 })).items;
    expect(incident?.status).toBe('triggered');
    // Not quiet long enough yet.
    expect(await p.tick({ idleMs: 60_000, liveWithinMs: 3_600_000 })).toBe(0);
    now.ms += 2 * MIN;
    expect(await p.tick({ idleMs: 60_000, liveWithinMs: 3_600_000 })).toBe(1);
    expect((await new IncidentRepository(db).get(incident!.id))?.status).toBe('resolved');
  });

  it('leaves a replay (event time hours behind the clock) to its own events', async () => {
    const now = { ms: Date.UTC(2026, 10, 25, 12, 0) };
    const p = processor(now);
    await p.handle([message(0, event(now.ms - 300 * MIN, 'open')), message(1, event(now.ms - 298 * MIN, 'recover'))], { highWatermark: '2' });
    now.ms += 5 * MIN;
    expect(await p.tick({ idleMs: 60_000, liveWithinMs: 3_600_000 })).toBe(0);
    expect((await new IncidentRepository(db).list({ limit: 5 })).items[0]?.status).toBe('triggered');
  });
});
