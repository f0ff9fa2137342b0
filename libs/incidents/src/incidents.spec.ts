import type { AnomalyEvent } from '@vigil/contracts';
import { IncidentCorrelator, rankRootCauses, ServiceDependencyGraph, type IncidentChange } from './index';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const MIN = 60_000;

/** The demo payments system: gateway → payments → ledger → postgres, payments → fraud-check. */
const graph = new ServiceDependencyGraph([
  { caller: 'gateway', callee: 'payments' },
  { caller: 'payments', callee: 'ledger' },
  { caller: 'ledger', callee: 'postgres' },
  { caller: 'payments', callee: 'fraud-check' },
]);

function anomaly(service: string, signal: string, minute: number, status: AnomalyEvent['status'] = 'open', score = 0.9): AnomalyEvent {
  return {
    v: 1,
    id: `${service}-${signal}-${minute}`,
    status,
    kind: 'metric',
    service,
    fingerprint: `${service}|metric|${signal}`,
    signal,
    timeUnixNano: `${T0 + minute * MIN}000000`,
    score,
    summary: `${service} ${signal}`,
    observed: 10,
    expected: 1,
    lower: 0,
    upper: 2,
    template: null,
    evidence: [{ timeUnixNano: `${T0 + minute * MIN}000000`, severityNumber: 17, body: `${service} slow`, traceId: 'ab'.repeat(16), spanId: null }],
  };
}

function run(events: AnomalyEvent[], correlator = new IncidentCorrelator(graph)): { correlator: IncidentCorrelator; changes: IncidentChange[] } {
  const changes = events.flatMap((e) => correlator.apply(e));
  return { correlator, changes };
}

describe('IncidentCorrelator', () => {
  it('turns a cascading failure into one incident whose top root-cause hint is the database', () => {
    const { correlator } = run([
      anomaly('gateway', 'errors', 3),
      anomaly('postgres', 'query_latency_p95', 0),
      anomaly('ledger', 'latency_p95', 1),
      anomaly('payments', 'latency_p95', 2),
      anomaly('payments', 'latency_p95', 4, 'update'),
    ]);
    // Anomalies arrive out of order (the gateway's first): the database's incident is merged in.
    const incidents = correlator.all().filter((i) => i.status !== 'merged');
    expect(incidents).toHaveLength(1);
    expect(correlator.all().find((i) => i.status === 'merged')?.mergedInto).toBe(incidents[0]?.id);
    expect([...(incidents[0]?.services ?? [])].sort()).toEqual(['gateway', 'ledger', 'payments', 'postgres']);
    const hints = rankRootCauses(incidents[0]!, graph);
    expect(hints[0]).toMatchObject({ service: 'postgres', signal: 'query_latency_p95', score: 1 });
    expect(hints.at(-1)?.service).toBe('gateway');
    expect(hints[0]?.evidence.examples[0]?.traceId).toBe('ab'.repeat(16));
  });

  it('keeps two unrelated simultaneous failures apart', () => {
    const { correlator } = run([anomaly('payments', 'errors', 0), anomaly('search', 'latency_p95', 0), anomaly('search', 'errors', 1)]);
    expect(correlator.all().map((i) => i.services)).toEqual([['payments'], ['search']]);
  });

  it('deduplicates a signal into its incident with a count', () => {
    const { correlator, changes } = run([anomaly('payments', 'errors', 0), anomaly('payments', 'errors', 1, 'update'), anomaly('payments', 'errors', 2, 'update')]);
    expect(correlator.all()).toHaveLength(1);
    expect(correlator.all()[0]?.members[0]?.events).toBe(3);
    expect(changes.map((c) => c.type)).toEqual(['opened', 'deduplicated', 'deduplicated']);
  });

  it('opens at most one incident for a flapping signal, and resolves it when everything recovered', () => {
    const events: AnomalyEvent[] = [];
    for (let m = 0; m < 60; m += 12) {
      events.push(anomaly('fraud-check', 'timeouts', m), anomaly('fraud-check', 'timeouts', m + 2, 'recover'));
    }
    // Quiet long enough afterwards for the last recovery to resolve it.
    events.push(anomaly('search', 'errors', 200), anomaly('search', 'errors', 201, 'recover'));
    const { correlator, changes } = run(events);
    const flapping = correlator.all().filter((i) => i.services.includes('fraud-check'));
    expect(flapping).toHaveLength(1);
    expect(changes.filter((c) => c.type === 'opened' && c.incident.services.includes('fraud-check'))).toHaveLength(1);
    expect(changes.filter((c) => c.type === 'reopened').length).toBeGreaterThan(0);
    expect(flapping[0]).toMatchObject({ status: 'resolved', resolvedAtMs: T0 + 50 * MIN + 10 * MIN });
  });

  it('does not join anomalies that are too far apart in time', () => {
    const { correlator } = run([anomaly('payments', 'errors', 0), anomaly('ledger', 'latency_p95', 30)]);
    expect(correlator.all()).toHaveLength(2);
  });

  it('yields the same incidents from a replay of the same stream', () => {
    const stream = [anomaly('postgres', 'latency', 0), anomaly('ledger', 'latency', 1), anomaly('search', 'errors', 1), anomaly('postgres', 'latency', 3, 'recover')];
    const a = run(stream).correlator.all();
    const b = run(stream).correlator.all();
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

describe('ServiceDependencyGraph', () => {
  it('measures hops either way and direction of dependence', () => {
    expect(graph.distance('gateway', 'postgres', 3)).toBe(3);
    expect(graph.distance('gateway', 'postgres', 2)).toBeNull();
    expect(graph.distance('fraud-check', 'ledger', 2)).toBe(2);
    expect(graph.dependsOn('gateway', 'postgres')).toBe(true);
    expect(graph.dependsOn('postgres', 'gateway')).toBe(false);
  });
});

describe('IncidentCorrelator state', () => {
  it('resumes from saved state: numbers continue, fingerprints dedup, manual incidents never auto-resolve', () => {
    const first = run([anomaly('search', 'cpu', 0)]).correlator;
    const manual = { id: 'inc-manual', number: first.upcomingNumber, status: 'open' as const, openedAtMs: T0, lastActivityMs: T0, resolvedAtMs: null, services: ['billing'], members: [], declared: true };
    const state = { incidents: [...first.all().map((i) => structuredClone(i)), manual], watermarkMs: first.watermark, nextNumber: first.upcomingNumber + 1 };
    const resumed = new IncidentCorrelator(graph, {}, state);
    const changes = [anomaly('search', 'cpu', 1, 'update'), anomaly('billing', 'errors', 2), anomaly('email', 'errors', 3)].flatMap((e) => resumed.apply(e));
    expect(changes.map((c) => c.type)).toEqual(['deduplicated', 'joined', 'opened']);
    expect(resumed.all().find((i) => i.services.includes('email'))?.number).toBe(3);
    // Everything recovers; long after, the automatic incidents resolve and can be pruned.
    const later = [anomaly('search', 'cpu', 4, 'recover'), anomaly('billing', 'errors', 4, 'recover'), anomaly('email', 'errors', 4, 'recover'), anomaly('x', 'y', 100)].flatMap((e) => resumed.apply(e));
    expect(later.filter((c) => c.type === 'resolved').map((c) => c.incident.id).sort()).toEqual(resumed.all().filter((i) => i.services[0] === 'search' || i.services[0] === 'email').map((i) => i.id).sort());
    expect(resumed.all().find((i) => i.id === 'inc-manual')?.status).toBe('open');
  });

  it('prunes incidents past the reopen cool-down, keeping memory flat', () => {
    const { correlator } = run([anomaly('search', 'cpu', 0), anomaly('search', 'cpu', 1, 'recover'), anomaly('other', 'z', 200)]);
    const dropped = correlator.prune();
    expect(dropped.map((i) => i.services[0])).toEqual(['search']);
    expect(correlator.all().map((i) => i.services[0])).toEqual(['other']);
  });
});

describe('IncidentCorrelator across interleaved partitions', () => {
  it('resolves when the last recovery arrives after later events from elsewhere moved event time on', () => {
    const { changes } = run([anomaly('search', 'cpu', 0), anomaly('other', 'z', 60), anomaly('search', 'cpu', 2, 'recover')]);
    const resolved = changes.filter((c) => c.type === 'resolved');
    expect(resolved).toHaveLength(1);
    expect(resolved[0]!.atMs).toBe(T0 + 12 * MIN);
  });
});
