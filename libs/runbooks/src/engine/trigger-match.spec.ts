import type { AnomalyEvent } from '@vigil/contracts';
import { triggerSchema } from '../runbook.schema';
import { triggerMatches } from './trigger-match';

const event = (over: Partial<AnomalyEvent> = {}): AnomalyEvent => ({
  v: 1, id: 'e1', status: 'open', kind: 'span_red', service: 'payments', fingerprint: 'f', signal: 'span:server:POST /pay#errors', timeUnixNano: '1', score: 1, summary: '',
  observed: null, expected: null, lower: null, upper: null, template: null, evidence: [], ...over,
});
const incident = { id: 'inc-1', number: 1, severity: 'sev2' as const, services: ['postgres', 'payments'], status: 'triggered' as const };

describe('triggerMatches', () => {
  it('matches anomaly triggers on service, kind and signal (exact or ~regex), only on open', () => {
    const t = triggerSchema.parse({ on: 'anomaly', service: 'payments', kind: ['span_red'], signal: '~.*#errors' });
    expect(triggerMatches(t, { on: 'anomaly', event: event(), incident: null })).toBe(true);
    expect(triggerMatches(t, { on: 'anomaly', event: event({ status: 'update' }), incident: null })).toBe(false);
    expect(triggerMatches(t, { on: 'anomaly', event: event({ signal: 'x#p95' }), incident: null })).toBe(false);
    expect(triggerMatches(t, { on: 'anomaly', event: event({ service: 'payments-v2' }), incident: null })).toBe(false);
  });

  it('matches alerts on labels and incidents on severity and service', () => {
    const alert = triggerSchema.parse({ on: 'alert', labels: { alertname: 'PostgresLockWait', severity: '~critical|page' } });
    expect(triggerMatches(alert, { on: 'alert', event: event({ kind: 'alert', labels: { alertname: 'PostgresLockWait', severity: 'page' } }), incident: null })).toBe(true);
    expect(triggerMatches(alert, { on: 'alert', event: event({ kind: 'alert', labels: { alertname: 'PostgresLockWait' } }), incident: null })).toBe(false);
    const inc = triggerSchema.parse({ on: 'incident', severity: ['sev1', 'sev2'], service: 'postgres' });
    expect(triggerMatches(inc, { on: 'incident', incident })).toBe(true);
    expect(triggerMatches(inc, { on: 'incident', incident: { ...incident, severity: 'sev3' } })).toBe(false);
    expect(triggerMatches(inc, { on: 'incident', incident: { ...incident, status: 'resolved' } })).toBe(false);
  });
});
