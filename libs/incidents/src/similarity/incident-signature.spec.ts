import { incidentSignature, similarIncidents } from './incident-signature';

describe('similarIncidents', () => {
  const dbSlow = incidentSignature([
    { service: 'postgres', kind: 'metric', signal: 'pg_locks' },
    { service: 'payments', kind: 'span_red', signal: 'span:SERVER:POST /pay#p95' },
  ]);
  const past = [
    { id: 'i1', number: 1, title: 'db locks', signature: dbSlow, resolvedAtMs: 10, resolution: 'killed the blocking query', fixedBy: ['pg-cancel-blockers'] },
    { id: 'i2', number: 2, title: 'fraud errors', signature: incidentSignature([{ service: 'fraud-check', kind: 'log_error_surge', signal: 'severity:error' }]), resolvedAtMs: 20, resolution: null, fixedBy: [] },
    {
      id: 'i3',
      number: 3,
      title: 'payments only',
      signature: incidentSignature([{ service: 'payments', kind: 'span_red', signal: 'span:SERVER:POST /pay#p95' }]),
      resolvedAtMs: 30,
      resolution: 'rolled back',
      fixedBy: [],
    },
  ];

  it('finds the same shape of failure first, with how it was fixed', () => {
    const now = incidentSignature([
      { service: 'postgres', kind: 'metric', signal: 'pg_locks' },
      { service: 'payments', kind: 'span_red', signal: 'span:SERVER:POST /pay#p95' },
      { service: 'gateway', kind: 'span_red', signal: 'span:SERVER:POST /checkout#errors' },
    ]);
    const found = similarIncidents(now, past);
    expect(found.map((f) => f.id)).toEqual(['i1', 'i3']);
    expect(found[0]).toMatchObject({ resolution: 'killed the blocking query', fixedBy: ['pg-cancel-blockers'] });
    expect(found[0]!.similarity).toBeGreaterThan(found[1]!.similarity);
  });

  it('returns nothing for an unrelated failure', () => {
    expect(similarIncidents(incidentSignature([{ service: 'search', kind: 'metric', signal: 'cpu' }]), past)).toEqual([]);
  });
});
