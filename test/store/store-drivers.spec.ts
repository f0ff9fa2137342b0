import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NormalizedLogRecord } from '@vigil/contracts';
import type { AnomalyEvent } from '@vigil/contracts';
import {
  AnomalyRepository,
  createPgliteDatabase,
  LogRecordRepository,
  LogTemplateRepository,
  migrate,
  MIGRATIONS_DIR,
  RedactionRepository,
  RetentionRepository,
  StoreError,
  type Database,
} from '@vigil/store';
import { useTestDatabase } from '@vigil/testing';

const record = (overrides: Partial<NormalizedLogRecord> = {}): NormalizedLogRecord => ({
  service: 'payments',
  resource: { 'service.name': 'payments', 'k8s.pod.name': 'payments-7f9c' },
  scope: { name: 'io.vigil.test', version: '1.0.0' },
  timeUnixNano: '1764000000123456789',
  observedTimeUnixNano: '1764000000123999999',
  severityNumber: 17,
  severityText: 'ERROR',
  body: 'charge failed: card declined',
  attributes: { 'http.status_code': 402, retry: false, tags: ['a', 'b'], nested: { big: '9007199254740993' } },
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  flags: 1,
  eventName: 'payment.declined',
  ...overrides,
});

/** The same repository contract on both drivers: what works embedded works on a server. */
function describeDriver(name: string, open: () => Database): void {
  describe(`store on ${name}`, () => {
    let repo: LogRecordRepository;
    beforeAll(async () => {
      await migrate(open());
      repo = new LogRecordRepository(open());
    });

    it('migrates once: a second run applies nothing', async () => {
      expect(await migrate(open())).toEqual([]);
      const { rows } = await open().query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
      expect(rows.map((r) => r.name)).toContain('0001_log_records.sql');
    });

    it('round-trips a record exactly, including 19-digit nanosecond times', async () => {
      const r = record({ service: `svc-${name}` });
      expect(await repo.insertMany([{ recordKey: `${name}-k1`, source: 'otlp_logs/0@5', record: r }])).toBe(1);
      const [stored] = await repo.list({ service: `svc-${name}` });
      expect(stored).toMatchObject({ ...r, recordKey: `${name}-k1`, source: 'otlp_logs/0@5' });
      expect(stored?.time).toBe('2025-11-24T16:00:00.123Z');
    });

    it('stores a record key once, however often it is written', async () => {
      const items = [1, 2, 3].map((i) => ({ recordKey: `${name}-dup-${i}`, source: 's', record: record({ service: `dup-${name}` }) }));
      expect(await repo.insertMany(items)).toBe(3);
      expect(await repo.insertMany(items)).toBe(0);
      expect(await repo.insertMany([...items, { ...items[0]!, recordKey: `${name}-dup-4` }])).toBe(1);
      expect(await repo.list({ service: `dup-${name}` })).toHaveLength(4);
    });

    it('keeps a log line with NUL characters instead of failing the batch', async () => {
      const r = record({ service: `nul-${name}`, body: 'bad\u0000byte', attributes: { k: 'v\u0000' } });
      expect(await repo.insertMany([{ recordKey: `${name}-nul`, source: 's', record: r }])).toBe(1);
      const [stored] = await repo.list({ service: `nul-${name}` });
      expect(stored?.body).toBe('bad\uFFFDbyte');
      expect(stored?.attributes).toEqual({ k: 'v\uFFFD' });
    });

    it('filters by trace id and pages newest first', async () => {
      const service = `page-${name}`;
      const items = Array.from({ length: 5 }, (_, i) => ({
        recordKey: `${name}-page-${i}`,
        source: 's',
        record: record({ service, body: `line ${i}`, traceId: i === 2 ? 'ffffffffffffffffffffffffffffffff' : null }),
      }));
      await repo.insertMany(items);
      const first = await repo.list({ service, limit: 2 });
      expect(first.map((r) => r.body)).toEqual(['line 4', 'line 3']);
      const next = await repo.list({ service, limit: 2, beforeId: first[1]!.id });
      expect(next.map((r) => r.body)).toEqual(['line 2', 'line 1']);
      expect((await repo.list({ traceId: 'ffffffffffffffffffffffffffffffff' })).map((r) => r.body)).toEqual(['line 2']);
    });

    it('keeps templates with counts, aliases and bounded examples, and anomalies by latest event', async () => {
      const db = open();
      const templates = new LogTemplateRepository(db);
      const service = `tpl-${name}`;
      const example = (n: number) => ({ body: `user ${n} logged in`, traceId: null });
      await templates.touch([{ service, templateId: 1, template: 'user <*> logged in', count: 3, firstSeenMs: 60_000, lastSeenMs: 120_000, examples: [example(1), example(2), example(3)], mergedInto: null }]);
      await templates.touch([
        { service, templateId: 1, template: 'user <*> logged in', count: 2, firstSeenMs: 30_000, lastSeenMs: 90_000, examples: [example(4), example(5), example(6)], mergedInto: null },
        { service, templateId: 2, template: 'user admin logged in', count: 4, firstSeenMs: 10_000, lastSeenMs: 20_000, examples: [], mergedInto: 1 },
      ]);
      const [live] = await templates.list({ service, limit: 10 });
      expect(live).toMatchObject({ templateId: 1, count: 9, aliases: [2], firstSeen: new Date(30_000).toISOString(), lastSeen: new Date(120_000).toISOString() });
      expect(live?.examples).toHaveLength(5);
      expect(await templates.list({ service, limit: 10, includeMerged: true })).toHaveLength(2);

      const anomalies = new AnomalyRepository(db);
      const event = (status: AnomalyEvent['status'], minute: number, score: number): AnomalyEvent => ({
        v: 1, id: `a-${name}`, status, kind: 'log_error_surge', service, fingerprint: `${service}|log_error_surge|severity:error`, signal: 'severity:error',
        timeUnixNano: `${minute * 60_000}000000`, score, summary: `${status} ${score}`, observed: 1, expected: 0, lower: 0, upper: 1, template: null, evidence: [],
      });
      await anomalies.apply([event('open', 10, 0.9), event('update', 11, 0.95)]);
      await anomalies.apply([event('recover', 14, 0)]);
      const [stored] = await anomalies.list({ service, limit: 10 });
      expect(stored).toMatchObject({ status: 'recovered', score: 0.95, summary: 'update 0.95', openedAt: new Date(10 * 60_000).toISOString(), updatedAt: new Date(14 * 60_000).toISOString() });
      // Open, update and recovery in one batch: the same row.
      await anomalies.apply([{ ...event('open', 20, 0.8), id: `b-${name}` }, { ...event('update', 21, 0.85), id: `b-${name}` }, { ...event('recover', 25, 0), id: `b-${name}` }]);
      const again = (await anomalies.list({ service, limit: 10 })).find((a) => a.id === `b-${name}`);
      expect(again).toMatchObject({ status: 'recovered', score: 0.85, summary: 'update 0.85', openedAt: new Date(20 * 60_000).toISOString(), updatedAt: new Date(25 * 60_000).toISOString() });
    });

    it('enforces retention: old rollups, evidence and recovered anomalies go, open anomalies stay', async () => {
      const db = open();
      const service = `ret-${name}`;
      const now = new Date('2026-11-24T12:00:00Z');
      const old = now.getTime() - 40 * 86_400_000;
      await new RedactionRepository(db).add([
        { service, minuteMs: old, kind: 'pan', count: 1 },
        { service, minuteMs: now.getTime(), kind: 'pan', count: 2 },
      ]);
      await new LogTemplateRepository(db).addCounts([
        { service, templateId: 1, minuteMs: old, severity: 'info', count: 5 },
        { service, templateId: 1, minuteMs: now.getTime(), severity: 'info', count: 7 },
      ]);
      const event = (id: string, status: AnomalyEvent['status']): AnomalyEvent => ({
        v: 1, id: `${name}-${id}`, status, kind: 'metric', service, fingerprint: `${service}|metric|${id}`, signal: id,
        timeUnixNano: `${old}000000`, score: 0.9, summary: id, observed: null, expected: null, lower: null, upper: null, template: null, evidence: [],
      });
      await new AnomalyRepository(db).apply([event('gone', 'open'), event('still-open', 'open')]);
      await new AnomalyRepository(db).apply([event('gone', 'recover')]);
      const deleted = await new RetentionRepository(db).enforce({ rollupDays: 30, evidenceDays: 7 }, now);
      expect(deleted).toMatchObject({ redaction_counts_1m: 1, log_template_counts_1m: 1 });
      expect(deleted['anomalies']).toBeGreaterThanOrEqual(1);
      const left = await db.query<{ id: string }>('SELECT id FROM anomalies WHERE service = $1', [service]);
      expect(left.rows.map((r) => r.id)).toEqual([`${name}-still-open`]);
      const counts = await db.query<{ n: string }>('SELECT sum(count)::text AS n FROM log_template_counts_1m WHERE service = $1', [service]);
      expect(counts.rows[0]?.n).toBe('7');
    });

    it('rolls back a failed transaction', async () => {
      await expect(
        open().transaction(async (tx) => {
          await new LogRecordRepository(tx).insertMany([{ recordKey: `${name}-tx`, source: 's', record: record({ service: `tx-${name}` }) }]);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await repo.list({ service: `tx-${name}` })).toEqual([]);
    });

    it('refuses a migration edited after it was applied, naming it', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vigil-migrations-'));
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      writeFileSync(join(dir, '0900_extra.sql'), `CREATE TABLE extra_${name} (id int);`);
      expect(await migrate(open(), dir)).toEqual(['0900_extra.sql']);
      writeFileSync(join(dir, '0900_extra.sql'), `CREATE TABLE extra_${name} (id bigint);`);
      const error = await migrate(open(), dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).message).toMatch(/0900_extra\.sql was edited after it was applied/);
    });

    it('reports a broken migration by file, and applies none of the batch', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vigil-migrations-'));
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      writeFileSync(join(dir, '0950_good.sql'), `CREATE TABLE good_${name} (id int);`);
      writeFileSync(join(dir, '0951_bad.sql'), 'CREATE TABLE oops (');
      await expect(migrate(open(), dir)).rejects.toThrow(/migration 0951_bad\.sql failed: .*syntax error/);
      const { rows } = await open().query(`SELECT to_regclass('good_${name}') AS t`);
      expect(rows[0]).toEqual({ t: null });
    });
  });
}

const pg = useTestDatabase({ migrate: false });
describeDriver('postgres', () => pg.db);

let lite: Database;
beforeAll(async () => {
  lite = await createPgliteDatabase();
});
afterAll(() => lite.close());
describeDriver('pglite', () => lite);
