import type { Platform } from '@vigil/cli';
import { formatDuration } from '@vigil/incidents';
import { AnomalyRepository } from '@vigil/store';
import { useTestDatabase } from '@vigil/testing';
import { startTestPlatform } from '../e2e/platform-fixture';
import { incidentApi, type IncidentJson } from '../incidents/incident-api';

const ADMIN_TOKEN = 'incidents-admin-token-0123456789';

interface Issue {
  path: string;
  message: string;
}

/**
 * The incidents REST API over HTTP on a real PostgreSQL: declaring, the lifecycle, severity,
 * notes, timeline, audit, pagination, postmortems, silences, response times; and every kind of
 * bad request answered with the right status and the field named.
 */
describe('incidents REST API', () => {
  afterAll(() => platform?.stop());
  const pg = useTestDatabase();
  let platform: Platform;
  let admin: ReturnType<typeof incidentApi>;
  let responder: ReturnType<typeof incidentApi>;
  let viewer: ReturnType<typeof incidentApi>;

  beforeAll(async () => {
    ({ platform } = await startTestPlatform({ DATABASE_URL: pg.url, VIGIL_ADMIN_TOKEN: ADMIN_TOKEN }));
    admin = incidentApi(platform.url, ADMIN_TOKEN);
    const token = async (name: string, role: string): Promise<string> => {
      const r = await admin.call<{ token: string }>('POST', '/api/tokens', { name, role });
      expect(r.status).toBe(201);
      return r.body.token;
    };
    responder = incidentApi(platform.url, await token('alice', 'responder'));
    viewer = incidentApi(platform.url, await token('victor', 'viewer'));
  });

  const declare = async (body: unknown = { title: 'Card payments failing in EU', severity: 'sev2', services: ['payments', 'gateway'] }) =>
    responder.call<IncidentJson>('POST', '/api/incidents', body);

  it('declares an incident by hand and walks it through its lifecycle, every step on the timeline with actor', async () => {
    const created = await declare();
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'Card payments failing in EU', severity: 'sev2', status: 'triggered', services: ['payments', 'gateway'], rootCauseHints: [] });
    expect(created.body.number).toBeGreaterThanOrEqual(1);
    const id = created.body.id;
    for (const [action, status] of [['acknowledge', 'acknowledged'], ['mitigate', 'mitigated'], ['resolve', 'resolved'], ['reopen', 'triggered']] as const) {
      const r = await responder.call<IncidentJson>('POST', `/api/incidents/${id}/${action}`, action === 'resolve' ? { note: 'rolled back deploy 412' } : {});
      expect(r.status).toBe(200);
      expect(r.body.status).toBe(status);
    }
    const again = await responder.call<{ error: string; message: string }>('POST', `/api/incidents/${id}/reopen`, {});
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('cannot reopen an incident that is triggered');
    expect((await responder.call('POST', `/api/incidents/${id}/severity`, { severity: 'sev1', reason: 'all EU card traffic' })).status).toBe(200);
    expect((await responder.call('POST', `/api/incidents/${id}/notes`, { text: 'PSP status page | shows degradation' })).status).toBe(201);
    expect((await responder.call('POST', `/api/incidents/${id}/commander`, { commander: 'dana' })).status).toBe(200);
    const timeline = (await viewer.call<{ items: { type: string; actor: string; text: string }[] }>('GET', `/api/incidents/${id}/timeline`)).body.items;
    expect(timeline.map((e) => e.type)).toEqual(['declared', 'acknowledged', 'mitigated', 'resolved', 'reopened', 'severity_changed', 'note', 'commander_changed']);
    expect(timeline.every((e) => e.actor === 'alice')).toBe(true);
    expect(timeline[5]?.text).toBe('Severity sev2 → sev1 by alice: all EU card traffic');
    const detail = (await viewer.call<IncidentJson & { severitySource: string; commander: string }>('GET', `/api/incidents/${id}`)).body;
    expect(detail).toMatchObject({ severity: 'sev1', severitySource: 'human', commander: 'dana', status: 'triggered', resolvedAt: null });
    // Every write is in the audit log, with before and after.
    const audit = await admin.call<{ items: { action: string; actor: string; before: { status?: string } | null; after: { status?: string } | null }[] }>('GET', `/api/audit?targetId=${id}&limit=50`);
    const actions = audit.body.items.map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['incident.declared', 'incident.acknowledge', 'incident.resolve', 'incident.severity', 'incident.note']));
    const ackAudit = audit.body.items.find((a) => a.action === 'incident.acknowledge');
    expect(ackAudit).toMatchObject({ actor: 'alice', before: { status: 'triggered' }, after: { status: 'acknowledged' } });
  });

  it('answers bad requests with 400 naming the field, 401 without a token, 403 for the wrong role, 404 for unknown ids', async () => {
    const badSeverity = await declare({ title: 'x', severity: 'sev9', services: ['a'] });
    expect(badSeverity.status).toBe(400);
    expect((badSeverity.body as unknown as { issues: Issue[] }).issues.map((i) => i.path)).toEqual(['severity']);
    const noServices = await declare({ title: 'x', severity: 'sev2', services: [] });
    expect((noServices.body as unknown as { issues: Issue[] }).issues[0]?.path).toBe('services');
    const extra = await declare({ title: 'x', severity: 'sev2', services: ['a'], owner: 'me' });
    expect(extra.status).toBe(400);
    expect(JSON.stringify(extra.body)).toContain('owner');
    expect((await responder.call('POST', '/api/incidents/nope/severity', { severity: 'high' })).status).toBe(400);
    expect((await responder.call('POST', '/api/incidents/nope/acknowledge', {})).status).toBe(404);
    expect((await viewer.call('POST', '/api/incidents', { title: 'x', severity: 'sev2', services: ['a'] })).status).toBe(403);
    const anonymous = await fetch(`${platform.url}/api/incidents`);
    expect(anonymous.status).toBe(401);
    const badCursor = await viewer.call<{ issues: Issue[] }>('GET', '/api/incidents?cursor=not-ours');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.issues[0]?.path).toBe('cursor');
    expect((await viewer.call<{ issues: Issue[] }>('GET', '/api/incidents?status=sleeping')).body.issues[0]?.path).toBe('status');
  });

  it('filters and pages through incidents with a cursor, none twice, none missed', async () => {
    for (let i = 0; i < 5; i++) expect((await declare({ title: `batch ${i}`, severity: i % 2 ? 'sev3' : 'sev4', services: [`svc-${i % 2}`] })).status).toBe(201);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: IncidentJson[]; nextCursor: string | null } } = await viewer.call('GET', `/api/incidents?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe((await viewer.list()).length);
    expect((await viewer.list('severity=sev3')).map((i) => i.title).sort()).toEqual(['batch 1', 'batch 3']);
    expect((await viewer.list('service=svc-0')).map((i) => i.title).sort()).toEqual(['batch 0', 'batch 2', 'batch 4']);
    expect((await viewer.list('status=open')).every((i) => i.status !== 'resolved')).toBe(true);
  });

  it('drafts, stores and revises postmortems whose durations match the recorded times', async () => {
    const { body: incident } = await declare({ title: 'Ledger lag', severity: 'sev3', services: ['ledger'] });
    await responder.call('POST', `/api/incidents/${incident.id}/acknowledge`, {});
    await responder.call('POST', `/api/incidents/${incident.id}/resolve`, { note: 'restarted the ledger consumer' });
    const draft = await viewer.call<string>('GET', `/api/incidents/${incident.id}/postmortem`);
    expect(draft.status).toBe(200);
    expect(draft.headers.get('x-postmortem-revision')).toBe('0');
    const stored = (await viewer.call<IncidentJson>('GET', `/api/incidents/${incident.id}`)).body;
    const tta = formatDuration(Date.parse(stored.acknowledgedAt!) - Date.parse(stored.detectedAt));
    const ttr = formatDuration(Date.parse(stored.resolvedAt!) - Date.parse(stored.detectedAt));
    expect(draft.text).toContain(`| Time to acknowledge (TTA) | detected → acknowledged | ${tta} |`);
    expect(draft.text).toContain(`| Time to resolve (TTR) | detected → resolved | ${ttr} |`);
    expect(draft.text).toContain('Ledger lag');
    expect(draft.text).toContain('restarted the ledger consumer');
    const generated = await responder.call<{ revision: number; markdown: string }>('POST', `/api/incidents/${incident.id}/postmortem/generate`, { template: 'brief' });
    expect(generated.status).toBe(201);
    expect(generated.body.revision).toBe(1);
    const edited = await responder.call<{ revision: number }>('PUT', `/api/incidents/${incident.id}/postmortem`, { markdown: '# Ledger lag\n\nEdited by a human.', baseRevision: 1 });
    expect(edited.body.revision).toBe(2);
    const stale = await responder.call<{ error: string }>('PUT', `/api/incidents/${incident.id}/postmortem`, { markdown: 'lost update', baseRevision: 1 });
    expect(stale.status).toBe(409);
    expect((await viewer.call<string>('GET', `/api/incidents/${incident.id}/postmortem`)).text).toBe('# Ledger lag\n\nEdited by a human.');
    const revisions = await viewer.call<{ items: { revision: number; author: string }[] }>('GET', `/api/incidents/${incident.id}/postmortem/revisions`);
    expect(revisions.body.items.map((r) => [r.revision, r.author])).toEqual([[2, 'alice'], [1, 'alice']]);
    const unknown = await responder.call<{ error: string }>('POST', `/api/incidents/${incident.id}/postmortem/generate`, { template: 'nope' });
    expect(unknown.status).toBe(422);
    const templates = await viewer.call<{ templates: string[]; problems: unknown[] }>('GET', '/api/postmortem-templates');
    expect(templates.body.templates).toEqual(expect.arrayContaining(['default', 'brief']));
    expect(templates.body.problems).toEqual([]);
  });

  it('keeps silences and maintenance windows, validating matchers', async () => {
    const endsAt = new Date(Date.now() + 3600_000).toISOString();
    const bad = await responder.call<{ issues: Issue[] }>('POST', '/api/silences', { matchers: [{ label: 'service', op: '=~', value: '(' }], comment: 'x', endsAt });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0]?.path).toBe('matchers.0.value');
    const past = await responder.call<{ issues: Issue[] }>('POST', '/api/silences', { matchers: [{ label: 'service', op: '=', value: 'a' }], comment: 'x', endsAt: '2020-01-01T00:00:00Z' });
    expect(past.body.issues[0]?.path).toBe('endsAt');
    const silence = await responder.call<{ id: string; active: boolean }>('POST', '/api/silences', { matchers: [{ label: 'service', op: '=', value: 'search' }], comment: 'reindexing', endsAt });
    expect(silence.status).toBe(201);
    expect(silence.body.active).toBe(true);
    expect((await viewer.call('DELETE', `/api/silences/${silence.body.id}`)).status).toBe(403);
    expect((await responder.call('DELETE', `/api/silences/${silence.body.id}`)).status).toBe(204);
    const listed = await viewer.call<{ items: { id: string; active: boolean }[] }>('GET', '/api/silences');
    expect(listed.body.items.find((s) => s.id === silence.body.id)?.active).toBe(false);
    const window = await responder.call<{ id: string }>('POST', '/api/maintenance-windows', { service: 'ledger', reason: 'PostgreSQL upgrade', endsAt });
    expect(window.status).toBe(201);
    expect((await viewer.call<{ items: { id: string }[] }>('GET', '/api/maintenance-windows')).body.items.map((w) => w.id)).toContain(window.body.id);
  });

  it('reports MTTD / MTTA / MTTR per service and severity, and documents the routes', async () => {
    const times = await viewer.call<{ items: { service: string; severity: string; incidents: number; mttaMs: number | null; mttrMs: number | null }[] }>('GET', '/api/response-times');
    expect(times.status).toBe(200);
    const ledger = times.body.items.find((r) => r.service === 'ledger');
    expect(ledger).toMatchObject({ severity: 'sev3', incidents: 1 });
    expect(ledger!.mttrMs).toBeGreaterThanOrEqual(ledger!.mttaMs!);
    const doc = await fetch(`${platform.url}/api/docs/openapi.json`).then((r) => r.json() as Promise<{ paths: Record<string, unknown> }>);
    for (const path of ['/api/incidents', '/api/incidents/{id}', '/api/incidents/{id}/timeline', '/api/incidents/{id}/postmortem', '/api/incidents/{id}/acknowledge', '/api/silences', '/api/response-times']) {
      expect(doc.paths).toHaveProperty([path]);
    }
  });

  it('serves series for charts and pages anomalies with filters', async () => {
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000;
    for (let i = 0; i < 3; i++) {
      await platform.db.query(
        `INSERT INTO span_red_1m (service, operation, kind, minute, requests, errors, duration_sum_ms, duration_max_ms, duration_buckets) VALUES ('checkout', 'POST /pay', 'server', to_timestamp($1::float8 / 1000), 100, $2, 5000, 250, '{}')`,
        [minute + i * 60_000, i * 5],
      );
      await platform.db.query(`INSERT INTO log_counts_1m (service, minute, severity, count) VALUES ('checkout', to_timestamp($1::float8 / 1000), 'error', $2)`, [minute + i * 60_000, i + 1]);
    }
    const spans = await viewer.call<{ series: { key: string; points: { t: number; requests: number; errorRatio: number; avgMs: number }[] }[] }>('GET', '/api/series?service=checkout');
    expect(spans.status).toBe(200);
    expect(spans.body.series).toEqual([{ key: 'server:POST /pay', label: 'POST /pay (server)', points: expect.any(Array) }]);
    expect(spans.body.series[0]!.points.map((p) => [p.t, p.errorRatio, p.avgMs])).toEqual([
      [minute, 0, 50],
      [minute + 60_000, 0.05, 50],
      [minute + 120_000, 0.1, 50],
    ]);
    const logs = await viewer.call<{ series: { key: string; points: { count: number }[] }[] }>('GET', '/api/series?service=checkout&kind=logs');
    expect(logs.body.series[0]).toMatchObject({ key: 'error', points: [{ count: 1 }, { count: 2 }, { count: 3 }] });
    const bad = await viewer.call<{ issues: Issue[] }>('GET', `/api/series?service=checkout&from=${new Date(Date.now() - 8 * 86_400_000).toISOString()}`);
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0]?.path).toBe('from');

    const events = Array.from({ length: 5 }, (_, i) => ({
      v: 1 as const, id: `pg-${i}`, status: 'open' as const, kind: (i % 2 ? 'metric' : 'span_red') as 'metric' | 'span_red', service: 'pager', fingerprint: `pager|x|${i}`, signal: `s${i}`,
      timeUnixNano: `${minute + i * 1000}000000`, score: 0.5 + i / 10, summary: `s${i}`, observed: 1, expected: 0, lower: 0, upper: 1, template: null, evidence: [],
    }));
    await new AnomalyRepository(platform.db).apply(events);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await viewer.call('GET', `/api/anomalies?service=pager&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((a) => a.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['pg-4', 'pg-3', 'pg-2', 'pg-1', 'pg-0']);
    const filtered = await viewer.call<{ items: { id: string }[] }>('GET', '/api/anomalies?service=pager&kind=metric&minScore=0.8');
    expect(filtered.body.items.map((a) => a.id)).toEqual(['pg-3']);
    expect((await viewer.call<{ issues: Issue[] }>('GET', '/api/anomalies?cursor=zzz')).body.issues[0]?.path).toBe('cursor');
  });
});
