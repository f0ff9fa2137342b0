import type { AnomalyEvent } from '@vigil/contracts';
import { runbookSchema } from '../runbook.schema';
import { planRun } from './run-plan';

const runbook = (over: Record<string, unknown> = {}) =>
  runbookSchema.parse({
    apiVersion: 'vigil/v1',
    kind: 'Runbook',
    metadata: { name: 'restart-svc' },
    triggers: [{ on: 'anomaly' }],
    steps: [
      { type: 'action', name: 'restart', action: 'kubernetes.rolloutRestart', target: 'deployment/{{service}}', with: { deployment: '{{service}}' }, rollback: { action: 'notify.webhook', with: { url: 'http://x/', message: 'restarted {{service}}' } } },
      { type: 'verify', name: 'healed', withinMinutes: 5 },
    ],
    ...over,
  });
const event = (service: string): AnomalyEvent => ({
  v: 1, id: 'e', status: 'open', kind: 'metric', service, fingerprint: 'f', signal: 's', timeUnixNano: '1', score: 1, summary: '', observed: null, expected: null, lower: null, upper: null, template: null, evidence: [],
});
const incident = { id: 'inc-1', number: 7, severity: 'sev2' as const, services: ['ledger'], status: 'triggered' as const };

describe('planRun', () => {
  it('substitutes placeholders and puts the approval its risk needs before the first action', () => {
    const result = planRun(runbook(), { on: 'anomaly', event: event('ledger'), incident }, { runId: 'run-1', demoted: false, dryRun: false });
    if (!result.ok) throw new Error(result.reason);
    expect(result.plan.steps.map((s) => s.type)).toEqual(['approval', 'action', 'verify']);
    expect(result.plan.steps[0]).toMatchObject({ roles: ['responder'], implicit: true });
    expect(result.plan.steps[1]).toMatchObject({ target: 'deployment/ledger', params: { deployment: 'ledger' }, rollback: { params: { message: 'restarted ledger' } } });
    expect(result.plan.targets).toEqual(['deployment/ledger']);
    expect(result.plan.vars).toMatchObject({ 'incident.number': '7', 'run.id': 'run-1' });
  });

  it('runs low risk unattended, high risk only after an admin, and a demoted runbook after a responder', () => {
    const low = planRun(runbook({ risk: 'low' }), { on: 'anomaly', event: event('ledger'), incident: null }, { runId: 'r', demoted: false, dryRun: false });
    expect(low.ok && low.plan.steps[0]?.type).toBe('action');
    const high = planRun(runbook({ risk: 'high' }), { on: 'anomaly', event: event('ledger'), incident: null }, { runId: 'r', demoted: false, dryRun: false });
    expect(high.ok && high.plan.steps[0]).toMatchObject({ type: 'approval', roles: ['admin'] });
    const demoted = planRun(runbook({ risk: 'low' }), { on: 'anomaly', event: event('ledger'), incident: null }, { runId: 'r', demoted: true, dryRun: false });
    expect(demoted.ok && demoted.plan.steps[0]).toMatchObject({ type: 'approval', roles: ['responder'] });
  });

  it('refuses to plan when telemetry would inject into a parameter', () => {
    const result = planRun(runbook(), { on: 'anomaly', event: event('ledger; kubectl delete ns prod'), incident: null }, { runId: 'r', demoted: false, dryRun: false });
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('steps[0] restart') });
  });
});
