import { ServiceDependencyGraph } from '@vigil/incidents';
import { createPgliteDatabase, migrate, RetentionRepository, ServiceCallRepository, type Database } from '@vigil/store';
import { useTestDatabase } from '@vigil/testing';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const MIN = 60_000;

/** The service call table on both drivers: additive upserts, the graph summed over a range, retention. */
function describeDriver(name: string, open: () => Database): void {
  describe(`service calls on ${name}`, () => {
    beforeAll(async () => {
      await migrate(open());
    });

    it('adds counts per caller, callee and minute, and sums them into graph edges with first and last seen', async () => {
      const db = open();
      const repo = new ServiceCallRepository(db);
      const gateway = `gateway-${name}`;
      const payments = `payments-${name}`;
      const ledger = `ledger-${name}`;
      expect(await repo.add([])).toBe(0);
      await repo.add([
        { caller: gateway, callee: payments, minuteMs: NOW - 10 * MIN, calls: 3 },
        { caller: payments, callee: ledger, minuteMs: NOW - 10 * MIN, calls: 6 },
      ]);
      // Another batch, in any order: same minute adds up, a new minute is a new row.
      expect(
        await repo.add([
          { caller: payments, callee: ledger, minuteMs: NOW - 2 * MIN, calls: 1 },
          { caller: gateway, callee: payments, minuteMs: NOW - 10 * MIN, calls: 2 },
        ]),
      ).toBe(2);
      const mine = (edges: Awaited<ReturnType<ServiceCallRepository['graph']>>) => edges.filter((e) => e.caller.endsWith(name));
      expect(mine(await repo.graph(NOW - 60 * MIN))).toEqual([
        { caller: gateway, callee: payments, calls: 5, firstSeenMs: NOW - 10 * MIN, lastSeenMs: NOW - 10 * MIN },
        { caller: payments, callee: ledger, calls: 7, firstSeenMs: NOW - 10 * MIN, lastSeenMs: NOW - 2 * MIN },
      ]);
      // From the minute of `sinceMs` on: a since in the middle of a minute keeps that minute.
      expect(mine(await repo.graph(NOW - 2 * MIN + 30_000))).toEqual([{ caller: payments, callee: ledger, calls: 1, firstSeenMs: NOW - 2 * MIN, lastSeenMs: NOW - 2 * MIN }]);
      // What the incident correlator is given.
      const graph = new ServiceDependencyGraph(await repo.graph(NOW - 60 * MIN));
      expect(graph.dependsOn(gateway, ledger)).toBe(true);
      expect(graph.dependsOn(ledger, gateway)).toBe(false);
    });

    it('writes nothing when its transaction rolls back', async () => {
      const db = open();
      const caller = `rolled-back-${name}`;
      await expect(
        db.transaction(async (tx) => {
          await new ServiceCallRepository(tx).add([{ caller, callee: 'ledger', minuteMs: NOW, calls: 1 }]);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect((await new ServiceCallRepository(db).graph(NOW - MIN)).filter((e) => e.caller === caller)).toEqual([]);
    });

    it('drops calls older than the rollup retention', async () => {
      const db = open();
      const caller = `retention-${name}`;
      await new ServiceCallRepository(db).add([
        { caller, callee: 'ledger', minuteMs: NOW - 40 * 86_400_000, calls: 4 },
        { caller, callee: 'ledger', minuteMs: NOW - 5 * MIN, calls: 2 },
      ]);
      const deleted = await new RetentionRepository(db).enforce({ rollupDays: 30, evidenceDays: 7 }, new Date(NOW));
      expect(deleted['service_calls_1m']).toBeGreaterThanOrEqual(1);
      const edges = (await new ServiceCallRepository(db).graph(0)).filter((e) => e.caller === caller);
      expect(edges).toEqual([{ caller, callee: 'ledger', calls: 2, firstSeenMs: NOW - 5 * MIN, lastSeenMs: NOW - 5 * MIN }]);
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
