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
