import type { SpanKind } from '@vigil/contracts';
import type { ServiceCallCount } from './call-tally';
import { SpanCallLinker, type LinkableSpan } from './span-call-linker';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const MIN = 60_000;
let ids = 0;
const newId = (): string => (++ids).toString(16).padStart(16, '0');
const span = (service: string, kind: SpanKind, parentSpanId: string | null, endMs: number): LinkableSpan => ({
  service,
  kind,
  spanId: newId(),
  parentSpanId,
  endTimeUnixNano: `${endMs}000000`,
});

/** One remote call: the caller's CLIENT span and the callee's SERVER span under it. */
function call(caller: string, callee: string, endMs = T0 + 1_500): [LinkableSpan, LinkableSpan] {
  const client = span(caller, 'client', newId(), endMs);
  return [client, span(callee, 'server', client.spanId, endMs - 5)];
}

const key = (c: ServiceCallCount): string => `${c.caller}>${c.callee}@${c.minuteMs}`;
const sorted = (calls: ServiceCallCount[]): ServiceCallCount[] => [...calls].sort((a, b) => (key(a) < key(b) ? -1 : 1));
const gatewayToPayments = { caller: 'gateway', callee: 'payments', minuteMs: T0, calls: 1 };

describe('SpanCallLinker', () => {
  it('links a callee that arrives before its caller, in an earlier batch', () => {
    const linker = new SpanCallLinker();
    const [client, server] = call('gateway', 'payments');
    expect(linker.link([server])).toEqual([]);
    expect(linker.remembered).toEqual({ callers: 0, waiting: 1 });
    expect(linker.link([client])).toEqual([gatewayToPayments]);
    expect(linker.remembered).toEqual({ callers: 1, waiting: 0 });
  });

  it('links a caller that arrives before its callee, and either order within one batch', () => {
    const linker = new SpanCallLinker();
    const [client, server] = call('gateway', 'payments');
    expect(linker.link([client])).toEqual([]);
    expect(linker.link([server])).toEqual([gatewayToPayments]);
    const [c1, s1] = call('payments', 'ledger');
    const [c2, s2] = call('payments', 'ledger');
    expect(linker.link([s1, c1, c2, s2])).toEqual([{ caller: 'payments', callee: 'ledger', minuteMs: T0, calls: 2 }]);
    expect(linker.remembered.waiting).toBe(0);
  });

  it('ignores a parent in the same service, internal spans and root spans', () => {
    const linker = new SpanCallLinker();
    const [loopClient, loopServer] = call('payments', 'payments');
    const internal = span('gateway', 'internal', null, T0);
    const underInternal = span('payments', 'server', internal.spanId, T0);
    const root = span('search', 'server', null, T0);
    expect(linker.link([loopServer, underInternal, root])).toEqual([]);
    expect(linker.link([loopClient, internal])).toEqual([]);
    // Kept: the loop's client span; the callee under an internal span (its parent is never remembered).
    expect(linker.remembered).toEqual({ callers: 1, waiting: 1 });
  });

  it('counts a producer → consumer call once per consuming service', () => {
    const linker = new SpanCallLinker();
    const producer = span('payments', 'producer', newId(), T0 + 10);
    const audit = span('audit', 'consumer', producer.spanId, T0 + 2 * MIN);
    const mail = span('notifications', 'consumer', producer.spanId, T0 + 3 * MIN);
    expect(linker.link([audit])).toEqual([]);
    expect(linker.link([producer])).toEqual([{ caller: 'payments', callee: 'audit', minuteMs: T0, calls: 1 }]);
    expect(linker.link([mail])).toEqual([{ caller: 'payments', callee: 'notifications', minuteMs: T0, calls: 1 }]);
  });

  it('aggregates per caller, callee and the minute the caller span ended', () => {
    const linker = new SpanCallLinker();
    const spans = [
      ...call('gateway', 'payments', T0 + 10),
      ...call('gateway', 'payments', T0 + 59_999),
      ...call('gateway', 'payments', T0 + MIN),
      ...call('payments', 'ledger', T0 + 2 * MIN + 1),
      ...call('payments', 'ledger', T0 + 5 * MIN),
    ];
    // Children first, as exporters deliver them.
    expect(linker.link(spans.filter((s) => s.kind === 'server'))).toEqual([]);
    expect(sorted(linker.link(spans.filter((s) => s.kind === 'client')))).toEqual([
      { caller: 'gateway', callee: 'payments', minuteMs: T0, calls: 2 },
      { caller: 'gateway', callee: 'payments', minuteMs: T0 + MIN, calls: 1 },
      { caller: 'payments', callee: 'ledger', minuteMs: T0 + 2 * MIN, calls: 1 },
      { caller: 'payments', callee: 'ledger', minuteMs: T0 + 5 * MIN, calls: 1 },
    ]);
  });

  it('remembers at most `capacity` spans a side, forgetting the oldest: their calls are not counted', () => {
    const linker = new SpanCallLinker({ capacity: 100 });
    const early = call('gateway', 'payments');
    const late = call('gateway', 'payments');
    linker.link([early[1]]);
    for (let i = 0; i < 10_000; i++) linker.link([span('orders', 'server', newId(), T0), span('orders', 'client', newId(), T0)]);
    linker.link([late[1]]);
    expect(linker.remembered).toEqual({ callers: 100, waiting: 100 });
    // The early callee was pushed out long ago; the late one is still waiting.
    expect(linker.link([early[0], late[0]])).toEqual([gatewayToPayments]);
    expect(linker.remembered).toEqual({ callers: 100, waiting: 99 });
  });

  describe('per batch, with its transaction', () => {
    it('counts a call once when the batch that completed it is aborted and redone', () => {
      const linker = new SpanCallLinker();
      const [client, server] = call('gateway', 'payments');
      linker.link([server]);
      const failed = linker.begin();
      failed.add(client);
      expect(failed.calls()).toEqual([gatewayToPayments]);
      failed.abort();
      const redone = linker.begin();
      redone.add(client);
      expect(redone.calls()).toEqual([gatewayToPayments]);
      redone.commit();
      expect(linker.link([client])).toEqual([]);
    });

    it('never counts twice when a batch whose outcome is unknown is dropped', () => {
      const linker = new SpanCallLinker();
      const [client, server] = call('gateway', 'payments');
      linker.link([server]);
      const unknown = linker.begin();
      unknown.add(client);
      expect(unknown.calls()).toEqual([gatewayToPayments]);
      // Dropped, neither committed nor aborted: had it applied, its call is in; had it not, that call is lost.
      expect(linker.link([client])).toEqual([]);
    });

    it('counts the halves of a call in two concurrent batches once', () => {
      // The caller's batch links first: a caller span is a fact, seen by concurrent batches at once.
      const linker = new SpanCallLinker();
      const [client, server] = call('gateway', 'payments');
      const withCaller = linker.begin();
      const withCallee = linker.begin();
      withCaller.add(client);
      withCallee.add(server);
      expect(withCaller.calls()).toEqual([]);
      expect(withCallee.calls()).toEqual([gatewayToPayments]);
      withCallee.commit();
      withCaller.commit();
      expect(linker.link([])).toEqual([]);
    });

    it('counts a call whose callee was linked first by a concurrent batch with the next batch, once', () => {
      for (const order of ['caller first', 'callee first']) {
        const linker = new SpanCallLinker();
        const [client, server] = call('gateway', 'payments');
        const withCaller = linker.begin();
        const withCallee = linker.begin();
        withCallee.add(server);
        withCaller.add(client); // the callee is staged in its batch, out of sight
        expect([...withCaller.calls(), ...withCallee.calls()]).toEqual([]);
        if (order === 'caller first') {
          withCaller.commit();
          withCallee.commit();
        } else {
          withCallee.commit();
          withCaller.commit();
        }
        // The next batch carries it; given back if that batch fails, so the one after writes it.
        const failed = linker.begin();
        expect(failed.calls()).toEqual([gatewayToPayments]);
        expect(linker.begin().calls()).toEqual([]);
        failed.abort();
        expect(linker.link([])).toEqual([gatewayToPayments]);
        expect(linker.link([])).toEqual([]);
        expect(linker.remembered.waiting).toBe(0);
      }
    });

    it('gives back the callees an aborted batch took, to whichever batch brings their caller next', () => {
      const linker = new SpanCallLinker();
      const [client, server] = call('gateway', 'payments');
      linker.link([server]);
      const failed = linker.begin();
      failed.add(client);
      const other = linker.begin();
      other.add(client); // the same caller span again, e.g. in a batch of another partition
      expect(other.calls()).toEqual([]);
      other.commit();
      failed.abort();
      expect(linker.link([])).toEqual([gatewayToPayments]);
    });

    it('is settled once', () => {
      const batch = new SpanCallLinker().begin();
      batch.commit();
      expect(() => batch.abort()).toThrow(/once/);
    });
  });
});
