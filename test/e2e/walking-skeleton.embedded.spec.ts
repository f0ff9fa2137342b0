import { randomBytes } from 'node:crypto';
import type { Platform } from '@vigil/cli';
import { expectEventually, otlpLogsRequest } from '@vigil/testing';
import { getJson, listLogs, startTestPlatform } from './platform-fixture';

/** The same path with nothing installed: PGlite and the in-process bus, as `npx vigil start` runs. */
describe('walking skeleton: embedded (PGlite + in-process bus)', () => {
  let platform: Platform;

  beforeAll(async () => {
    ({ platform } = await startTestPlatform({ VIGIL_DATA_DIR: 'memory://' }));
  });
  afterAll(() => platform?.stop());

  it('runs on the embedded parts and is ready', async () => {
    expect(platform.db.driver).toBe('pglite');
    expect(platform.bus.kind).toBe('in-process');
    expect((await getJson(`${platform.url}/healthz`)).body).toEqual({ status: 'ok' });
    await expectEventually(async () => {
      const ready = await getJson<{ status: string; checks: Record<string, boolean> }>(`${platform.url}/readyz`);
      expect(ready).toEqual({ status: 200, body: { status: 'ready', checks: { migrations: true, database: true, consumers: true } } });
    });
  });

  it.each(['otlp_proto', 'otlp_json'] as const)('ingests an SDK-serialized request (%s) and serves it', async (encoding) => {
    // The topic's encoding is configuration; this platform reads otlp_proto, so JSON goes through
    // a second platform configured for otlp_json, proving the switch works end to end.
    const target = encoding === 'otlp_proto' ? platform : (await startTestPlatform({ VIGIL_DATA_DIR: 'memory://', VIGIL_OTLP_ENCODING: 'otlp_json' })).platform;
    try {
      const traceId = randomBytes(16).toString('hex');
      const value = otlpLogsRequest(
        [{ service: 'ledger', body: { event: 'posting', amount: 12 }, severityText: 'WARN', severityNumber: 13, traceId, spanId: randomBytes(8).toString('hex') }],
        encoding,
      );
      await target.bus.publish('otlp_logs', [{ value }]);
      const items = await expectEventually(async () => {
        const found = await listLogs(target, `traceId=${traceId}`);
        expect(found).toHaveLength(1);
        return found;
      });
      expect(items[0]).toMatchObject({ service: 'ledger', body: { event: 'posting', amount: 12 }, severityText: 'WARN', traceId });
    } finally {
      if (target !== platform) await target.stop();
    }
  });

  it('exposes Prometheus metrics, including what ingest counted', async () => {
    const response = await fetch(`${platform.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^vigil_ingest_records_total\{signal="logs"\} [1-9]/m);
    expect(text).toMatch(/^# TYPE vigil_consumer_lag gauge$/m);
  });

  it('answers a bad query with a 400 that names the field', async () => {
    const response = await getJson<{ error: string; issues: { path: string; message: string }[] }>(`${platform.url}/api/logs?limit=5000&traceId=xyz`, platform.adminToken);
    expect(response.status).toBe(400);
    expect(response.body.issues.map((i) => i.path).sort()).toEqual(['limit', 'traceId']);
  });
});
