import { Client } from 'pg';
import { cancelBlockersParams, createCancelBlockersAction, type ActionContext } from '@vigil/actions';
import { adminDatabaseUrl, expectEventually, useTestDatabase } from '@vigil/testing';

/**
 * On a real PostgreSQL: A holds a row lock in an open transaction, B waits for it. The action must
 * find A (and only A: B is the victim), cancel, then terminate it, so that B completes.
 */

jest.setTimeout(60_000);

function context(overrides: Partial<ActionContext> = {}): ActionContext {
  return { runId: 'run-3', stepKey: 'run-3:unblock:1', dryRun: false, signal: new AbortController().signal, target: 'database/payments', ...overrides };
}

interface Session {
  client: Client;
  pid: number;
  /** Errors the server sent this connection (e.g. after a terminate). */
  errors: Error[];
}

describe('postgres.cancelBlockers', () => {
  const pg = useTestDatabase({ migrate: false });
  const open: Client[] = [];
  let observer: Client;

  async function session(url: string, application: string): Promise<Session> {
    const client = new Client({ connectionString: url, application_name: application });
    const errors: Error[] = [];
    client.on('error', (error) => errors.push(error));
    await client.connect();
    open.push(client);
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return { client, pid: rows[0]!.pid, errors };
  }

  /** A locks row `id` in an open transaction and sits idle; B's update of the same row waits. */
  async function pileUp(id: number, holder = 'checkout-service'): Promise<{ a: Session; b: Session; bDone: Promise<unknown> }> {
    const a = await session(pg.url, holder);
    await a.client.query('BEGIN');
    await a.client.query('UPDATE accounts SET balance = balance + 1 WHERE id = $1', [id]);
    const b = await session(pg.url, 'settlement-job');
    const bDone = b.client.query('UPDATE accounts SET balance = balance + 10 WHERE id = $1', [id]);
    bDone.catch(() => undefined);
    await expectEventually(async () => {
      const { rows } = await observer.query('SELECT pg_blocking_pids($1) AS blockers', [b.pid]);
      expect(rows[0].blockers).toEqual([a.pid]);
    });
    return { a, b, bDone };
  }

  async function alive(pid: number): Promise<boolean> {
    const { rows } = await observer.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
    return rows.length === 1;
  }

  const action = () => createCancelBlockersAction({ env: { DATABASE_URL: pg.url }, pollIntervalMs: 50 });

  beforeAll(async () => {
    observer = new Client({ connectionString: pg.url, application_name: 'test-observer' });
    observer.on('error', () => undefined); // the suite's database is dropped WITH (FORCE) in afterAll
    await observer.connect();
    await observer.query('CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)');
    await observer.query('INSERT INTO accounts SELECT g, 0 FROM generate_series(1, 10) g');
  });

  afterEach(async () => {
    while (open.length) await open.pop()!.end().catch(() => undefined);
  });

  afterAll(async () => {
    await observer.end();
  });

  it('cancels, then terminates an idle-in-transaction blocker, so the blocked update completes', async () => {
    const { a, b, bDone } = await pileUp(1);

    const result = await action().run(cancelBlockersParams.parse({ minBlockedSeconds: 0, terminateAfterSeconds: 0.5 }), context());

    expect(result.outcome).toBe('succeeded');
    const sessions = (result.data?.['sessions'] ?? []) as Record<string, unknown>[];
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      pid: a.pid,
      application: 'checkout-service',
      state: 'idle in transaction',
      query: 'UPDATE accounts SET balance = balance + 1 WHERE id = $1',
      reasons: ['blocking'],
      blockedPids: [b.pid],
      // A cancel does nothing to an idle session: it had to be terminated.
      action: 'terminated',
    });
    await expect(bDone).resolves.toMatchObject({ rowCount: 1 });
    expect(await alive(a.pid)).toBe(false);
    expect(await alive(b.pid)).toBe(true);
    const { rows } = await observer.query('SELECT balance FROM accounts WHERE id = 1');
    expect(rows[0].balance).toBe(10); // A's uncommitted +1 rolled back with its session
  });

  it('stops at the cancel when the blocker gives its lock back', async () => {
    const a = await session(pg.url, 'report-builder');
    await a.client.query('BEGIN');
    await a.client.query('UPDATE accounts SET balance = balance + 1 WHERE id = 2');
    // A long statement inside the transaction; the application rolls back when it fails.
    const aQuery = a.client.query(`SELECT pg_sleep(30), '${'x'.repeat(300)}'`).catch(async (error: Error) => {
      await a.client.query('ROLLBACK');
      return error;
    });
    const b = await session(pg.url, 'settlement-job');
    const bDone = b.client.query('UPDATE accounts SET balance = balance + 10 WHERE id = 2');
    await expectEventually(async () => {
      const { rows } = await observer.query('SELECT pg_blocking_pids($1) AS blockers', [b.pid]);
      expect(rows[0].blockers).toEqual([a.pid]);
    });

    const result = await action().run(cancelBlockersParams.parse({ minBlockedSeconds: 0, terminateAfterSeconds: 20 }), context());

    expect(result.outcome).toBe('succeeded');
    const [report] = (result.data?.['sessions'] ?? []) as Record<string, unknown>[];
    expect(report).toMatchObject({ pid: a.pid, state: 'active', action: 'cancelled' });
    expect((report!['query'] as string).length).toBe(200);
    expect(await aQuery).toMatchObject({ message: expect.stringContaining('canceling statement due to user request') });
    await expect(bDone).resolves.toMatchObject({ rowCount: 1 });
    // Cancelled, not terminated: A's connection still works.
    await expect(a.client.query('SELECT 1 AS one')).resolves.toMatchObject({ rows: [{ one: 1 }] });
  });

  it('leaves an excluded application alone', async () => {
    const { a, b, bDone } = await pileUp(3, 'pg_repack');

    const result = await action().run(cancelBlockersParams.parse({ minBlockedSeconds: 0, terminateAfterSeconds: 0.2, excludeApplications: ['pg_repack'] }), context());

    expect(result.outcome).toBe('succeeded');
    expect(result.data).toMatchObject({ sessions: [], skipped: [{ pid: a.pid, application: 'pg_repack', reason: 'excluded application' }] });
    expect(await alive(a.pid)).toBe(true);
    const { rows } = await observer.query('SELECT pg_blocking_pids($1) AS blockers', [b.pid]);
    expect(rows[0].blockers).toEqual([a.pid]);
    await a.client.query('COMMIT');
    await expect(bDone).resolves.toMatchObject({ rowCount: 1 });
  });

  it('dry run lists the blocker without touching it; a short wait is not yet blocking', async () => {
    const { a, b, bDone } = await pileUp(4);

    const notYet = await action().run(cancelBlockersParams.parse({ minBlockedSeconds: 600 }), context());
    expect(notYet).toMatchObject({ outcome: 'succeeded', data: { sessions: [] } });

    const result = await action().run(cancelBlockersParams.parse({ minBlockedSeconds: 0, terminateAfterSeconds: 0 }), context({ dryRun: true }));

    expect(result.outcome).toBe('succeeded');
    expect(result.detail).toMatch(/^dry run: would cancel/);
    expect(result.data).toMatchObject({ dryRun: true, sessions: [{ pid: a.pid, blockedPids: [b.pid], action: 'would-cancel' }] });
    expect(await alive(a.pid)).toBe(true);
    expect(a.errors).toEqual([]);
    // A's transaction is intact: it commits, and only then B goes through.
    await a.client.query('COMMIT');
    await expect(bDone).resolves.toMatchObject({ rowCount: 1 });
    const { rows } = await observer.query('SELECT balance FROM accounts WHERE id = 4');
    expect(rows[0].balance).toBe(11);
  });

  it('finds transactions running longer than maxRuntimeSeconds, never a superuser’s in another database', async () => {
    const long = await session(pg.url, 'etl');
    await long.client.query('BEGIN');
    await long.client.query('SELECT 1');
    const other = await session(adminDatabaseUrl(), 'admin-console');
    const otherQuery = other.client.query('SELECT pg_sleep(3)').catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 1200));

    // Dry run only: with allDatabases the action sees every session on the shared test server.
    const result = await action().run(cancelBlockersParams.parse({ minBlockedSeconds: 600, maxRuntimeSeconds: 1, allDatabases: true }), context({ dryRun: true }));

    expect(result.outcome).toBe('succeeded');
    const sessions = result.data?.['sessions'] as Record<string, unknown>[];
    const skipped = result.data?.['skipped'] as Record<string, unknown>[];
    expect(sessions).toContainEqual(expect.objectContaining({ pid: long.pid, reasons: ['long-running'], action: 'would-cancel' }));
    const { rows } = await observer.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
    if (rows[0].rolsuper) {
      expect(skipped).toContainEqual(expect.objectContaining({ pid: other.pid, reason: expect.stringMatching(/^superuser session in database/) }));
      expect(sessions.map((s) => s['pid'])).not.toContain(other.pid);
    }
    await otherQuery;
  });

  it('fails clearly when the URL variable is not set', async () => {
    const result = await createCancelBlockersAction({ env: {} }).run(cancelBlockersParams.parse({}), context());
    expect(result).toEqual({ outcome: 'failed', detail: 'DATABASE_URL is not set: no database to connect to' });
  });
});
