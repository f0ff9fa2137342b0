import { InProcessBus, type BusMessage, type Subscription } from '@vigil/bus';
import { loadConfig } from '@vigil/config';
import { DEAD_LETTER_HEADERS, type SignalBatch } from '@vigil/contracts';
import { startDetect, type DetectWorker } from '@vigil/detect-worker';
import { expectEventually, useTestDatabase } from '@vigil/testing';
import pino from 'pino';
import { Registry } from 'prom-client';

const T0 = Date.UTC(2026, 10, 24, 12);

const logs = (service: string, offset: number, bodies: string[]): SignalBatch => ({
  v: 1,
  kind: 'logs',
  service,
  source: { topic: 'otlp_logs', partition: 0, offset: String(offset) },
  items: bodies.map((body, i) => ({ timeUnixNano: `${T0 + i * 1000}000000`, severityNumber: 9, body, traceId: null, spanId: null })),
});

/** Bad input on vigil.signals is dead-lettered with a reason; good signals around it are applied once. */
describe('detect worker: bad and repeated signals', () => {
  let worker: DetectWorker | undefined;
  let deadReader: Subscription | undefined;
  const bus = new InProcessBus(2);
  afterAll(async () => {
    await deadReader?.stop();
    await worker?.stop();
    await bus.shutdown();
  });
  const pg = useTestDatabase();

  it('dead-letters non-JSON and invalid signals, applies the good ones, and skips a republished source', async () => {
    const config = loadConfig({ env: { VIGIL_TOPIC_SIGNALS: 'signals', VIGIL_TOPIC_DEAD_LETTER: 'dlq', VIGIL_TOPIC_ANOMALIES: 'anomalies' } });
    worker = await startDetect({ config, bus, db: pg.db, logger: pino({ level: 'silent' }), registry: new Registry(), offsetNamespace: bus.namespace });
    const dead: BusMessage[] = [];
    deadReader = await bus.subscribe({ groupId: 'dlq-reader', topics: ['dlq'], handler: async (batch) => void dead.push(...batch) });
    const good1 = logs('checkout', 1, ['user 17 logged in', 'user 18 logged in']);
    const good2 = logs('checkout', 2, ['user 19 logged in']);
    const invalid = { ...logs('checkout', 3, ['x']), kind: 'traces' };
    await bus.publish('signals', [
      { key: 'checkout', value: JSON.stringify(good1) },
      { key: 'checkout', value: '{"v":1,"kind":"logs",' },
      { key: 'checkout', value: JSON.stringify(invalid) },
      { key: 'checkout', value: JSON.stringify(good2) },
      // Ingest republishes a source message after a crash before its commit: same source offset.
      { key: 'checkout', value: JSON.stringify(good1) },
    ]);
    await expectEventually(() => expect(dead).toHaveLength(2));
    expect(dead.map((m) => m.headers[DEAD_LETTER_HEADERS.code])).toEqual(['invalid_signal', 'invalid_signal']);
    expect(dead[0]?.headers[DEAD_LETTER_HEADERS.reason]).toMatch(/signal is not JSON/);
    expect(dead[1]?.headers[DEAD_LETTER_HEADERS.reason]).toMatch(/invalid signal at kind/);
    await expectEventually(async () => {
      const { rows } = await pg.db.query<{ n: string }>("SELECT coalesce(sum(count), 0)::text AS n FROM log_templates WHERE service = 'checkout'");
      expect(rows[0]?.n).toBe('3');
    });
    // Give the republished copy time to be (not) applied.
    await new Promise((r) => setTimeout(r, 300));
    const { rows } = await pg.db.query<{ n: string; templates: string }>("SELECT sum(count)::text AS n, count(*)::text AS templates FROM log_templates WHERE service = 'checkout'");
    expect(rows[0]).toEqual({ n: '3', templates: '1' });
  });
});
