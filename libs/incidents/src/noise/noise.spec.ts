import { ServiceDependencyGraph } from '../service-dependency-graph';
import { inhibitorOf } from './inhibition';
import { suppressionFor } from './signal-suppression';
import { matcherSchema, type Silence } from './silence';

const labels = { service: 'payments', kind: 'metric', signal: 'span:SERVER:POST /pay#p95', fingerprint: 'payments|span_red|x' };

describe('silences and maintenance windows', () => {
  const silence = (matchers: unknown[], startsAtMs = 0, endsAtMs = 100): Silence => ({ id: 's1', matchers: matchers.map((m) => matcherSchema.parse(m)), startsAtMs, endsAtMs });

  it('match on every matcher, like Alertmanager, within the time range only', () => {
    const s = silence([{ label: 'service', op: '=', value: 'payments' }, { label: 'signal', op: '=~', value: '.*#p95' }]);
    expect(suppressionFor(labels, 50, { silences: [s], maintenance: [] })).toEqual({ reason: 'silence', by: 's1' });
    expect(suppressionFor(labels, 100, { silences: [s], maintenance: [] })).toBeNull();
    const negated = silence([{ label: 'service', op: '!=', value: 'payments' }]);
    expect(suppressionFor(labels, 50, { silences: [negated], maintenance: [] })).toBeNull();
    const notRegex = silence([{ label: 'kind', op: '!~', value: 'log_.*' }]);
    expect(suppressionFor(labels, 50, { silences: [notRegex], maintenance: [] })).not.toBeNull();
  });

  it('anchors regexes and rejects invalid ones with the field named', () => {
    const partial = silence([{ label: 'service', op: '=~', value: 'pay' }]);
    expect(suppressionFor(labels, 50, { silences: [partial], maintenance: [] })).toBeNull();
    const bad = matcherSchema.safeParse({ label: 'service', op: '=~', value: '(' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['value']);
  });

  it('maintenance covers one service for its window', () => {
    const maintenance = [{ id: 'm1', service: 'payments', startsAtMs: 10, endsAtMs: 20 }];
    expect(suppressionFor(labels, 15, { silences: [], maintenance })).toEqual({ reason: 'maintenance', by: 'm1' });
    expect(suppressionFor({ ...labels, service: 'ledger' }, 15, { silences: [], maintenance })).toBeNull();
  });
});

describe('inhibitorOf', () => {
  const graph = new ServiceDependencyGraph([
    { caller: 'gateway', callee: 'payments' },
    { caller: 'payments', callee: 'postgres' },
  ]);
  const sev1 = { id: 'a', severity: 'sev1' as const, services: ['postgres'], open: true };

  it('lets an open sev1 on a dependency suppress what its callers suffer', () => {
    expect(inhibitorOf({ id: 'b', severity: 'sev3', services: ['gateway', 'payments'], open: true }, [sev1], graph)?.id).toBe('a');
  });

  it('does not suppress unrelated services, other sev1s, or after the sev1 closed', () => {
    expect(inhibitorOf({ id: 'b', severity: 'sev3', services: ['search'], open: true }, [sev1], graph)).toBeNull();
    expect(inhibitorOf({ id: 'b', severity: 'sev1', services: ['gateway'], open: true }, [sev1], graph)).toBeNull();
    expect(inhibitorOf({ id: 'b', severity: 'sev2', services: ['gateway'], open: true }, [{ ...sev1, open: false }], graph)).toBeNull();
  });
});
