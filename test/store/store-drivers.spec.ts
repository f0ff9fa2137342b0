import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NormalizedLogRecord } from '@vigil/contracts';
import { createPgliteDatabase, LogRecordRepository, migrate, MIGRATIONS_DIR, StoreError, type Database } from '@vigil/store';
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
