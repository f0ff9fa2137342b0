import { AuditLogRepository, ApiTokenRepository, createPgliteDatabase, hashApiToken, migrate, type Database } from '@vigil/store';
import { useTestDatabase } from '@vigil/testing';

/** API tokens and the audit log: the same contract on both drivers (see store-drivers.spec.ts). */
function describeDriver(name: string, open: () => Database): void {
  describe(`access store on ${name}`, () => {
    beforeAll(async () => {
      await migrate(open());
    });

    it('returns a token once, stores only its sha256, and finds it by the token', async () => {
      const tokens = new ApiTokenRepository(open());
      const created = await tokens.create({ name: `ops-${name}`, role: 'responder', createdBy: 'bootstrap-admin' });
      expect(created).toMatchObject({ name: `ops-${name}`, role: 'responder' });
      expect(created.token).toMatch(/^vgl_[A-Za-z0-9_-]{43}$/);
      const { rows } = await open().query<{ token_hash: string }>('SELECT token_hash FROM api_tokens WHERE id = $1', [created.id]);
      expect(rows[0]?.token_hash).toBe(hashApiToken(created.token));
      expect(JSON.stringify(rows)).not.toContain(created.token);

      const found = await tokens.findByToken(created.token);
      expect(found).toMatchObject({ id: created.id, name: `ops-${name}`, role: 'responder', createdBy: 'bootstrap-admin', revokedAt: null });
      expect(found?.lastUsedAt).not.toBeNull();
      expect(await tokens.findByToken(`${created.token}x`)).toBeNull();
      const listed = (await tokens.list()).find((t) => t.id === created.id);
      expect(Object.keys(listed ?? {}).sort()).toEqual(['createdAt', 'createdBy', 'id', 'lastUsedAt', 'name', 'revokedAt', 'role']);
    });

    it('touches last_used_at at most once a minute', async () => {
      const tokens = new ApiTokenRepository(open());
      const { id, token } = await tokens.create({ name: `touch-${name}`, role: 'viewer', createdBy: 't' });
      const first = (await tokens.findByToken(token))?.lastUsedAt;
      const second = (await tokens.findByToken(token))?.lastUsedAt;
      expect(second).toBe(first);
      await open().query("UPDATE api_tokens SET last_used_at = now() - interval '61 seconds' WHERE id = $1", [id]);
      const stale = (await tokens.get(id))?.lastUsedAt;
      const refreshed = (await tokens.findByToken(token))?.lastUsedAt;
      expect(Date.parse(refreshed!)).toBeGreaterThan(Date.parse(stale!));
    });

    it('revokes once: a revoked token is not found, a second revoke changes nothing', async () => {
      const tokens = new ApiTokenRepository(open());
      const { id, token } = await tokens.create({ name: `gone-${name}`, role: 'admin', createdBy: 't' });
      const revoked = await tokens.revoke(id);
      expect(revoked?.revokedAt).not.toBeNull();
      expect(await tokens.findByToken(token)).toBeNull();
      expect(await tokens.revoke(id)).toBeNull();
      expect((await tokens.get(id))?.revokedAt).toBe(revoked?.revokedAt);
      expect(await tokens.revoke('no-such-id')).toBeNull();
    });

    it('refuses a role outside viewer, responder, admin', async () => {
      await expect(open().query("INSERT INTO api_tokens (id, name, role, token_hash, created_by) VALUES ('x', 'x', 'root', 'h', 't')")).rejects.toThrow(/check constraint/);
    });

    it('records audit entries and pages them newest first with an opaque cursor and filters', async () => {
      const audit = new AuditLogRepository(open());
      const target = `t-${name}`;
      for (let i = 0; i < 5; i++) {
        await audit.record({ actor: i % 2 ? 'alice' : 'bob', actorRole: 'admin', action: 'thing.update', targetType: 'thing', targetId: target, before: { n: i }, after: { n: i + 1 } });
      }
      await audit.record({ actor: 'bob', actorRole: null, action: 'thing.create', targetType: 'thing', targetId: `${target}-other`, before: null, after: 'a JSON string' });

      const first = await audit.list({ limit: 2, targetType: 'thing', targetId: target });
      expect(first.items.map((e) => e.before)).toEqual([{ n: 4 }, { n: 3 }]);
      expect(first.items[0]).toMatchObject({ actor: 'bob', actorRole: 'admin', action: 'thing.update', targetType: 'thing', targetId: target, after: { n: 5 } });
      expect(first.items[0]?.at).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(first.nextCursor).not.toBeNull();
      expect(first.nextCursor).not.toBe(first.items[1]?.id);
      const second = await audit.list({ limit: 2, targetType: 'thing', targetId: target, cursor: first.nextCursor! });
      expect(second.items.map((e) => e.before)).toEqual([{ n: 2 }, { n: 1 }]);
      const last = await audit.list({ limit: 2, targetType: 'thing', targetId: target, cursor: second.nextCursor! });
      expect(last.items.map((e) => e.before)).toEqual([{ n: 0 }]);
      expect(last.nextCursor).toBeNull();

      expect((await audit.list({ limit: 10, targetId: target, actor: 'alice' })).items).toHaveLength(2);
      const [created] = (await audit.list({ limit: 10, targetId: `${target}-other` })).items;
      expect(created).toMatchObject({ before: null, after: 'a JSON string', actorRole: null });
      await expect(audit.list({ limit: 10, cursor: 'not a cursor' })).rejects.toThrow(/invalid audit cursor/);
    });

    it('writes an audit entry with its change or not at all', async () => {
      await expect(
        open().transaction(async (tx) => {
          const { id } = await new ApiTokenRepository(tx).create({ name: `tx-${name}`, role: 'viewer', createdBy: 't' });
          await new AuditLogRepository(tx).record({ actor: 't', actorRole: 'admin', action: 'api_token.create', targetType: 'api_token', targetId: id, before: null, after: { id } });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect((await new ApiTokenRepository(open()).list()).some((t) => t.name === `tx-${name}`)).toBe(false);
      expect((await new AuditLogRepository(open()).list({ limit: 1000, actor: 't', targetType: 'api_token' })).items).toEqual([]);
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
