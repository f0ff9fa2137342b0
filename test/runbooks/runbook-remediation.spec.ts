import type { Platform } from '@vigil/cli';
import type { VigilConfig } from '@vigil/config';
import { useTestDatabase, expectEventually } from '@vigil/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPlatform } from '../e2e/platform-fixture';
import { anomalyEvent, MINUTE } from '../incidents/anomaly-traffic';
import { incidentApi, type IncidentJson } from '../incidents/incident-api';
import { startRemediationEndpoint } from './remediation-endpoint';

const ADMIN = 'runbooks-admin-token-0123456789';
const SECRET = 'whsec_c2VjcmV0LWZvci10aGUtcmVtZWRpYXRpb24tZW5kcG9pbnQ=';

interface RunJson {
  id: string;
  runbook: string;
  status: string;
  blockedGuard: string | null;
  outcome: string;
  incidentId: string | null;
  steps?: { name: string; status: string; idempotencyKey: string; attempts: number }[];
}

/**
 * Self-healing end to end on a real PostgreSQL: an anomaly opens an incident, the matching
 * runbook waits for approval, a responder approves over the API, the run calls the service's
 * remediation endpoint (signed, with an idempotency key), the signal recovers, verification
 * marks the incident mitigated, and it resolves; timeline and audit log show every step.
 */
describe('runbook remediation end to end', () => {
  afterAll(async () => {
    await platform?.stop();
    await endpoint?.close();
  });
  const pg = useTestDatabase();
  let platform: Platform;
  let config: VigilConfig;
  let endpoint: Awaited<ReturnType<typeof startRemediationEndpoint>>;
  let admin: ReturnType<typeof incidentApi>;
  let responder: ReturnType<typeof incidentApi>;
  let viewer: ReturnType<typeof incidentApi>;
  const t0 = Math.floor(Date.now() / MINUTE) * MINUTE;

  beforeAll(async () => {
    process.env['REMEDIATION_SECRET'] = SECRET;
    endpoint = await startRemediationEndpoint({ secret: SECRET });
    const dir = mkdtempSync(join(tmpdir(), 'vigil-runbooks-'));
    writeFileSync(
      join(dir, 'restart-payments.yaml'),
      `apiVersion: vigil/v1
kind: Runbook
metadata:
  name: restart-payments
  description: Restart payments when its error ratio jumps.
triggers:
  - on: anomaly
    service: payments
    kind: [span_red]
    signal: "~.*#errors"
risk: medium
guards:
  cooldownMinutes: 30
  maxRunsPerHour: 3
steps:
  - type: action
    name: restart
    action: http.request
    target: deployment/{{service}}
    with:
      url: ${endpoint.url}/restart/{{service}}
      secretEnv: REMEDIATION_SECRET
      body: { incident: "{{incident.number}}" }
  - type: verify
    name: healed
    withinMinutes: 2
`,
    );
    writeFileSync(
      join(dir, 'drain-search.yaml'),
      `apiVersion: vigil/v1
kind: Runbook
metadata:
  name: drain-search
triggers:
  - on: anomaly
    service: search
risk: low
dryRun: true
steps:
  - type: action
    name: drain
    action: http.request
    target: deployment/{{service}}
    with:
      url: ${endpoint.url}/drain/{{service}}
      secretEnv: REMEDIATION_SECRET
    rollback:
      action: http.request
      with:
        url: ${endpoint.url}/undrain/{{service}}
        secretEnv: REMEDIATION_SECRET
`,
    );
    writeFileSync(
      join(dir, 'restart-everything.yaml'),
      `apiVersion: vigil/v1
kind: Runbook
metadata:
  name: restart-everything
triggers:
  - on: anomaly
    service: ledger
risk: medium
guards:
  blastRadius: { maxTargets: 1 }
steps:
  - { type: action, name: one, action: http.request, target: deployment/ledger, with: { url: "${endpoint.url}/restart/ledger" } }
  - { type: action, name: two, action: http.request, target: deployment/ledger-worker, with: { url: "${endpoint.url}/restart/ledger-worker" } }
`,
    );
    writeFileSync(
      join(dir, 'restart-fraud.yaml'),
      `apiVersion: vigil/v1
kind: Runbook
metadata: { name: restart-fraud }
triggers: [{ on: anomaly, service: fraud-check }]
risk: low
steps:
  - type: action
    name: restart
    action: http.request
    target: deployment/{{service}}
    with: { url: "${endpoint.url}/restart/{{service}}", secretEnv: REMEDIATION_SECRET }
    rollback: { action: http.request, with: { url: "${endpoint.url}/undo-restart/{{service}}", secretEnv: REMEDIATION_SECRET } }
  - { type: verify, name: healed, withinMinutes: 0.02 }
`,
    );
    writeFileSync(
      join(dir, 'page-email.yaml'),
      `apiVersion: vigil/v1
kind: Runbook
metadata: { name: page-email }
triggers: [{ on: anomaly, service: email }]
risk: medium
steps:
  - { type: approval, name: ok-to-restart, roles: [admin], timeoutMinutes: 0.02, onTimeout: escalate }
  - { type: action, name: restart, action: http.request, target: deployment/email, with: { url: "${endpoint.url}/restart/email", secretEnv: REMEDIATION_SECRET } }
`,
    );
    ({ platform, config } = await startTestPlatform({
      DATABASE_URL: pg.url,
      VIGIL_ADMIN_TOKEN: ADMIN,
      VIGIL_RUNBOOKS_DIR: dir,
      VIGIL_INCIDENT_RESOLVE_AFTER_MINUTES: '1',
      VIGIL_RUNBOOK_POLL_MS: '100',
      VIGIL_RUNBOOK_VERIFY_POLL_MS: '200',
    }));
    admin = incidentApi(platform.url, ADMIN);
    const token = async (name: string, role: string) => (await admin.call<{ token: string }>('POST', '/api/tokens', { name, role })).body.token;
    responder = incidentApi(platform.url, await token('rita', 'responder'));
    viewer = incidentApi(platform.url, await token('vince', 'viewer'));
  });

  const publish = (events: ReturnType<typeof anomalyEvent>[]) =>
    platform.bus.publish(config.VIGIL_TOPIC_ANOMALIES, events.map((e) => ({ key: e.service, value: JSON.stringify(e) })));
  const runsOf = async (runbook: string): Promise<RunJson[]> => (await viewer.call<{ items: RunJson[] }>('GET', `/api/runs?runbook=${runbook}`)).body.items;

  it('waits for approval, acts once when approved, verifies the heal, mitigates and resolves', async () => {
    const open = anomalyEvent(t0, { service: 'payments', signal: 'span:server:POST /pay#errors', minute: 0, observed: 0.3, expected: 0.01 });
    await publish([open]);
    const run = await expectEventually(async () => {
      const [r] = await runsOf('restart-payments');
      expect(r?.status).toBe('waiting_approval');
      return r!;
    }, { timeoutMs: 15000 });
    expect(endpoint.executions).toHaveLength(0);
    const pending = await viewer.call<{ items: { runId: string; roles: string[] }[] }>('GET', '/api/approvals');
    expect(pending.body.items).toContainEqual(expect.objectContaining({ runId: run.id, roles: ['responder'] }));
    // A viewer may not approve; a responder may.
    expect((await viewer.call('POST', `/api/runs/${run.id}/approve`, {})).status).toBe(403);
    const approved = await responder.call<RunJson>('POST', `/api/runs/${run.id}/approve`, { comment: 'go' });
    expect(approved.status).toBe(200);
    await expectEventually(() => expect(endpoint.executions).toHaveLength(1), { timeoutMs: 15000 });
    const call = endpoint.executions[0]!;
    expect(call).toMatchObject({ path: '/restart/payments', signed: true, key: `${run.id}:main:1` });
    expect(call.body).toEqual({ incident: expect.stringMatching(/^\d+$/) });
    // The service heals: detection reports the recovery.
    await publish([anomalyEvent(t0, { service: 'payments', signal: 'span:server:POST /pay#errors', minute: 1, status: 'recover' })]);
    const incidentId = run.incidentId as string;
    await expectEventually(async () => {
      expect((await runsOf('restart-payments'))[0]?.status).toBe('succeeded');
      expect((await viewer.call<IncidentJson>('GET', `/api/incidents/${incidentId}`)).body.status).toBe('mitigated');
    }, { timeoutMs: 15000 });
    // Later traffic moves event time past the resolve delay.
    await publish([anomalyEvent(t0, { service: 'batch', signal: 'cpu', kind: 'metric', minute: 5 })]);
    await expectEventually(async () => expect((await viewer.call<IncidentJson>('GET', `/api/incidents/${incidentId}`)).body.status).toBe('resolved'), { timeoutMs: 15000 });
    const timeline = (await viewer.call<{ items: { type: string; actor: string; text: string; data: Record<string, unknown> }[] }>('GET', `/api/incidents/${incidentId}/timeline`)).body.items;
    const types = timeline.map((e) => e.type);
    for (const t of ['opened', 'run_started', 'approval_requested', 'run_approved', 'action', 'run_verified', 'mitigated', 'run_succeeded', 'resolved']) expect(types).toContain(t);
    expect(types.indexOf('run_approved')).toBeLessThan(types.indexOf('action'));
    expect(timeline.find((e) => e.type === 'action')).toMatchObject({ actor: 'runbook:restart-payments', data: { idempotencyKey: `${run.id}:main:1`, outcome: 'succeeded' } });
    expect(timeline.find((e) => e.type === 'run_approved')?.actor).toBe('rita');
    const audit = (await admin.call<{ items: { action: string; after: { idempotencyKey?: string } }[] }>('GET', `/api/audit?targetId=${run.id}&limit=50`)).body.items;
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['runbook.approval.approve', 'runbook.step.start', 'runbook.step.finish']));
    expect(audit.find((a) => a.action === 'runbook.step.start')?.after.idempotencyKey).toBe(`${run.id}:main:1`);
    const detail = (await viewer.call<RunJson>('GET', `/api/runs/${run.id}`)).body;
    expect(detail.steps?.map((s) => [s.name, s.status])).toEqual([['approve-run', 'succeeded'], ['restart', 'succeeded'], ['healed', 'succeeded']]);
  });

  it('a second episode within the cool-down is stopped by the guard, which says so on the timeline', async () => {
    await publish([anomalyEvent(t0, { service: 'payments', signal: 'span:server:POST /pay#errors', minute: 10, episode: 2, observed: 0.4, expected: 0.01 })]);
    const blocked = await expectEventually(async () => {
      const found = (await runsOf('restart-payments')).find((r) => r.status === 'blocked');
      expect(found).toBeDefined();
      return found!;
    }, { timeoutMs: 15000 });
    expect(blocked).toMatchObject({ blockedGuard: 'cooldown', outcome: expect.stringContaining('cool-down 30 min') });
    const timeline = (await viewer.call<{ items: { type: string; text: string }[] }>('GET', `/api/incidents/${blocked.incidentId}/timeline`)).body.items;
    expect(timeline.find((e) => e.type === 'run_blocked')?.text).toMatch(/guard cooldown/);
    expect(endpoint.executions).toHaveLength(1);
  });

  it('stops a run whose blast radius is too wide, and lets a dry run plan without acting', async () => {
    await publish([
      anomalyEvent(t0, { service: 'ledger', signal: 'span:server:INSERT#p95', minute: 20, observed: 900, expected: 20 }),
      anomalyEvent(t0, { service: 'search', signal: 'span:server:GET /q#p95', minute: 20, observed: 900, expected: 20 }),
    ]);
    await expectEventually(async () => {
      expect((await runsOf('restart-everything'))[0]).toMatchObject({ status: 'blocked', blockedGuard: 'blast_radius' });
      expect((await runsOf('drain-search'))[0]).toMatchObject({ status: 'succeeded', outcome: 'dry run completed: nothing was changed' });
    }, { timeoutMs: 15000 });
    expect(endpoint.deliveries.filter((d) => d.path.includes('drain') || d.path.includes('ledger'))).toEqual([]);
  });

  it('lists runbooks with their guards, honours the kill switch, and validates decisions', async () => {
    const list = await viewer.call<{ runbooks: { name: string; risk: string }[]; errors: unknown[]; killSwitch: { on: boolean } }>('GET', '/api/runbooks');
    expect(list.body.runbooks.map((r) => r.name).sort()).toEqual(['drain-search', 'page-email', 'restart-everything', 'restart-fraud', 'restart-payments']);
    expect(list.body.errors).toEqual([]);
    expect((await responder.call('POST', '/api/runbooks/kill-switch', { on: true, reason: 'x' })).status).toBe(403);
    expect((await admin.call('POST', '/api/runbooks/kill-switch', { on: true, reason: 'bad deploy in progress' })).status).toBe(200);
    await publish([anomalyEvent(t0, { service: 'search', signal: 'span:server:GET /other#p95', minute: 30, episode: 3, observed: 900, expected: 20 })]);
    await expectEventually(async () => expect((await runsOf('drain-search')).find((r) => r.status === 'blocked')?.blockedGuard).toBe('kill_switch'), { timeoutMs: 15000 });
    await admin.call('POST', '/api/runbooks/kill-switch', { on: false, reason: 'done' });
    expect((await responder.call<{ issues: { path: string }[] }>('POST', '/api/runs/nope/approve', {})).body.issues[0]?.path).toBe('id');
    const [succeeded] = await runsOf('restart-payments');
    expect((await responder.call('POST', `/api/runs/${succeeded!.id}/approve`, {})).status).toBe(409);
    const [incident] = await viewer.list('service=payments');
    const dry = await responder.call<{ matchesIncident: boolean; plan: { steps: { type: string; name: string }[] }; guard: { allowed: boolean; guard?: string } }>('POST', '/api/runbooks/restart-payments/dry-run', { incidentId: incident!.id });
    expect(dry.status).toBe(200);
    expect(dry.body.plan.steps.map((s) => s.name)).toEqual(['approve-run', 'restart', 'healed']);
    expect(dry.body.guard).toMatchObject({ allowed: false, guard: 'cooldown' });
    // A human starts a runbook on the incident by hand: same guards and execution.
    expect((await viewer.call('POST', '/api/runbooks/drain-search/run', { incidentId: incident!.id })).status).toBe(403);
    const manual = await responder.call<RunJson>('POST', '/api/runbooks/drain-search/run', { incidentId: incident!.id });
    expect(manual.status).toBe(201);
    expect(manual.body).toMatchObject({ runbook: 'drain-search', incidentId: incident!.id, status: 'pending' });
    await expectEventually(async () => expect((await viewer.call<RunJson>('GET', `/api/runs/${manual.body.id}`)).body.status).toBe('succeeded'), { timeoutMs: 15000 });
    const started = (await viewer.call<{ items: { type: string; actor: string }[] }>('GET', `/api/incidents/${incident!.id}/timeline`)).body.items.filter((e) => e.type === 'run_started');
    expect(started.at(-1)?.actor).toBe('rita');
  });

  it('rolls back and escalates when the signal does not heal, and escalates an approval nobody gave', async () => {
    await publish([
      anomalyEvent(t0, { service: 'fraud-check', signal: 'span:server:score#errors', minute: 40, observed: 0.5, expected: 0.01 }),
      anomalyEvent(t0, { service: 'email', signal: 'span:consumer:send#errors', minute: 40, observed: 0.5, expected: 0.01 }),
    ]);
    const fraud = await expectEventually(async () => {
      const [r] = await runsOf('restart-fraud');
      expect(r?.status).toBe('rolled_back');
      return r!;
    }, { timeoutMs: 20000 });
    expect(fraud.outcome).toMatch(/did not heal within 0.02 min.*rolled back, escalated/);
    expect(endpoint.executions.filter((e) => e.path.endsWith('/fraud-check')).map((e) => e.path)).toEqual(['/restart/fraud-check', '/undo-restart/fraud-check']);
    const timeline = (await viewer.call<{ items: { type: string }[] }>('GET', `/api/incidents/${fraud.incidentId}/timeline`)).body.items.map((e) => e.type);
    expect(timeline).toEqual(expect.arrayContaining(['run_rolling_back', 'run_escalated']));
    const email = await expectEventually(async () => {
      const [r] = await runsOf('page-email');
      expect(r?.status).toBe('escalated');
      return r!;
    }, { timeoutMs: 20000 });
    expect(email.outcome).toMatch(/approval timed out/);
    expect(endpoint.deliveries.some((d) => d.path.includes('email'))).toBe(false);
  });
});
