import type { Platform } from '@vigil/cli';
import type { VigilConfig } from '@vigil/config';
import { AnomalyRepository, LogTemplateRepository, ServiceCallRepository } from '@vigil/store';
import { expectEventually, useTestDatabase } from '@vigil/testing';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ensureDashboardBuilt, launchChromium } from './dashboard-browser';
import { startTestPlatform } from '../e2e/platform-fixture';
import { anomalyEvent, MINUTE } from '../incidents/anomaly-traffic';
import { incidentApi, type IncidentJson } from '../incidents/incident-api';

const ROOT = join(__dirname, '..', '..');
const ADMIN = 'dashboard-pages-admin-token-0123456789';
// Test artifacts go to test/.work/screenshots; UPDATE_SCREENSHOTS=1 refreshes the committed ones in docs/images.
const IMAGES = process.env['UPDATE_SCREENSHOTS'] ? join(ROOT, 'docs', 'images') : join(ROOT, 'test', '.work', 'screenshots');
const SCREEN = { width: 1280, height: 800 };
// Code run in the page is passed as strings: this project's type-check has no DOM library.

const BROKEN = `apiVersion: vigil/v1
kind: Runbook
metadata:
  name: broken-restart
triggers:
  - on: anomaly
    service: checkout
risk: extreme
steps:
  - type: wait
    name: pause
    minutes: 1
`;

/**
 * The Services, Signals and Runbooks pages in Debian's Chromium against the whole platform:
 * seeded call graph, RED rollups, anomalies, log templates and a runbooks folder with one valid
 * and one broken file; the approvals inbox and the kill switch (admin only). Saves the
 * screenshots in docs/images (1280×800).
 */
describe('web dashboard pages: services, signals, runbooks', () => {
  const pg = useTestDatabase();
  let platform: Platform;
  let config: VigilConfig;
  let browser: Browser;
  let responderToken: string;
  let viewerToken: string;
  let admin: ReturnType<typeof incidentApi>;
  const t0 = Math.floor(Date.now() / MINUTE) * MINUTE;

  beforeAll(async () => {
    mkdirSync(IMAGES, { recursive: true });
    ensureDashboardBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'vigil-web-pages-runbooks-'));
    writeFileSync(
      join(dir, 'note-payments.yaml'),
      `apiVersion: vigil/v1
kind: Runbook
metadata:
  name: note-payments
  description: Needs a responder's approval, then notes the incident.
triggers:
  - on: anomaly
    service: payments
risk: medium
guards:
  cooldownMinutes: 10
steps:
  - type: action
    name: note
    action: incident.note
    target: incident/{{incident.number}}
    with: { text: "runbook approved: restart planned" }
`,
    );
    writeFileSync(join(dir, 'broken-restart.yaml'), BROKEN);
    ({ platform, config } = await startTestPlatform({ DATABASE_URL: pg.url, VIGIL_ADMIN_TOKEN: ADMIN, VIGIL_RUNBOOKS_DIR: dir, VIGIL_RUNBOOK_POLL_MS: '100' }));
    admin = incidentApi(platform.url, ADMIN);
    const token = async (name: string, role: string) => (await admin.call<{ token: string }>('POST', '/api/tokens', { name, role })).body.token;
    responderToken = await token('rosa', 'responder');
    viewerToken = await token('vic', 'viewer');

    // The call graph and RED rollups as ingestion writes them, a few minutes back.
    const minute = t0 - 5 * MINUTE;
    await new ServiceCallRepository(platform.db).add([
      { caller: 'frontend', callee: 'checkout', minuteMs: minute, calls: 300 },
      { caller: 'checkout', callee: 'payments', minuteMs: minute, calls: 120 },
      { caller: 'checkout', callee: 'inventory', minuteMs: minute + MINUTE, calls: 80 },
    ]);
    for (let i = 0; i < 5; i++) {
      for (const [operation, errors] of [['POST /checkout', i], ['GET /cart', 0]] as const) {
        await platform.db.query(
          `INSERT INTO span_red_1m (service, operation, kind, minute, requests, errors, duration_sum_ms, duration_max_ms, duration_buckets) VALUES ('checkout', $1, 'server', to_timestamp($2::float8 / 1000), 100, $3, $4, 250, '{}')`,
          [operation, minute + i * MINUTE, errors, 4000 + i * 500],
        );
      }
      await platform.db.query(`INSERT INTO log_counts_1m (service, minute, severity, count) VALUES ('checkout', to_timestamp($1::float8 / 1000), 'error', $2)`, [minute + i * MINUTE, i + 1]);
    }
    await new LogTemplateRepository(platform.db).touch([
      {
        service: 'checkout', templateId: 7, template: 'lock wait timeout exceeded on table <*>', count: 4242, firstSeenMs: minute, lastSeenMs: t0, mergedInto: null,
        examples: [{ body: 'lock wait timeout exceeded on table orders', traceId: 'ef'.repeat(16) }],
      },
      { service: 'checkout', templateId: 8, template: 'cart <*> loaded in <*> ms', count: 90, firstSeenMs: minute, lastSeenMs: t0, mergedInto: null, examples: [] },
    ]);
    // Anomalies as detection stores them (the explorer) …
    await new AnomalyRepository(platform.db).apply([
      anomalyEvent(t0, { service: 'checkout', signal: 'span:server:POST /checkout#errors', minute: -3, observed: 0.04, expected: 0.001 }),
      { ...anomalyEvent(t0, { service: 'checkout', signal: 'log:error#rate', minute: -2, kind: 'log_error_surge', observed: 5, expected: 1 }), summary: 'error logs 5/min (expected 1)' },
      ...Array.from({ length: 53 }, (_, i) => anomalyEvent(t0, { service: 'ledger', signal: `metric:queue_depth#q${i}`, minute: -10 + i / 100, kind: 'metric' })),
    ]);
    // … and one on the bus: it opens an incident on payments, whose runbook waits for approval.
    await platform.bus.publish(config.VIGIL_TOPIC_ANOMALIES, [
      { key: 'payments', value: JSON.stringify(anomalyEvent(t0, { service: 'payments', signal: 'span:server:POST /pay#errors', minute: 0, observed: 0.3, expected: 0.01 })) },
    ]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  const open = async (token: string, viewport: { width: number; height: number } = SCREEN): Promise<Page> => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${platform.url}/#token=${token}`);
    await page.getByTestId('who').waitFor();
    return page;
  };
  const noHorizontalScroll = async (page: Page) => {
    const widths = await page.evaluate<{ scroll: number; viewport: number }>('({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth })');
    expect(widths.scroll).toBeLessThanOrEqual(widths.viewport);
  };

  it('answers GET /api/services with callers, callees and open incidents', async () => {
    await expectEventually(async () => expect((await admin.call<{ items: IncidentJson[] }>('GET', '/api/incidents?status=open')).body.items.length).toBe(1), { timeoutMs: 20000 });
    const { status, body } = await incidentApi(platform.url, viewerToken).call<{ services: { name: string; openIncidents: number; calls: { to: string[]; from: string[] } }[]; edges: { caller: string; callee: string; calls: number; lastSeen: string }[] }>('GET', '/api/services');
    expect(status).toBe(200);
    expect(body.services).toEqual([
      { name: 'checkout', openIncidents: 0, calls: { to: ['inventory', 'payments'], from: ['frontend'] } },
      { name: 'frontend', openIncidents: 0, calls: { to: ['checkout'], from: [] } },
      { name: 'inventory', openIncidents: 0, calls: { to: [], from: ['checkout'] } },
      { name: 'payments', openIncidents: 1, calls: { to: [], from: ['checkout'] } },
    ]);
    expect(body.edges).toContainEqual({ caller: 'checkout', callee: 'payments', calls: 120, lastSeen: new Date(t0 - 5 * MINUTE).toISOString() });
    expect((await fetch(`${platform.url}/api/services`)).status).toBe(401);
  });

  it('Services: the dependency list, and RED charts for the selected service; reachable by keyboard', async () => {
    const page = await open(responderToken);
    await page.getByRole('link', { name: 'Services', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Services', level: 1 }).waitFor();
    const checkout = page.locator('tr[data-service="checkout"]');
    await checkout.waitFor();
    expect(await checkout.getByTestId('calls-to').textContent()).toBe('inventory, payments');
    expect(await checkout.getByTestId('calls-from').textContent()).toBe('frontend');
    await checkout.getByRole('link', { name: 'checkout' }).click();
    expect(new URL(page.url()).hash).toBe('#/services?service=checkout');
    for (const chart of ['chart-requests', 'chart-errors', 'chart-latency']) await page.getByTestId(chart).locator('canvas').waitFor();
    expect(await page.getByTestId('chart-errors').textContent()).toContain('POST /checkout (server)');
    await page.screenshot({ path: join(IMAGES, 'services.png') });
    await page.context().close();
  });

  it('Signals: anomalies filtered by kind, load more, and a service\'s log templates with counts', async () => {
    const page = await open(viewerToken);
    await page.getByRole('link', { name: 'Signals', exact: true }).click();
    await page.getByTestId('anomalies-table').waitFor();
    await page.getByLabel('Service').fill('checkout');
    await page.getByLabel('Kind').selectOption('log_error_surge');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expectEventually(async () => {
      expect(await page.locator('[data-testid="anomalies-table"] tbody tr').count()).toBe(1);
      expect(await page.locator('[data-testid="anomalies-table"] tbody tr').getAttribute('data-kind')).toBe('log_error_surge');
    }, { timeoutMs: 10000 });
    expect(await page.getByTestId('anomalies-table').textContent()).toContain('error logs 5/min (expected 1)');
    expect(new URLSearchParams(new URL(page.url()).hash.split('?')[1]).get('kind')).toBe('log_error_surge');
    // The service's templates, most frequent first, with counts and example lines.
    const first = page.locator('[data-testid="templates"] li').first();
    await first.waitFor();
    expect(await first.locator('code.template').textContent()).toBe('lock wait timeout exceeded on table <*>');
    expect(await first.getByTestId('template-count').textContent()).toBe('4,242');
    await first.locator('summary').click();
    await first.getByText('lock wait timeout exceeded on table orders').waitFor();

    // Load more follows nextCursor.
    await page.goto(`${platform.url}/#/signals?service=ledger&kind=metric`);
    await expectEventually(async () => expect(await page.locator('[data-testid="anomalies-table"] tbody tr').count()).toBe(50), { timeoutMs: 10000 });
    await page.getByRole('button', { name: 'Load more' }).click();
    await expectEventually(async () => expect(await page.locator('[data-testid="anomalies-table"] tbody tr').count()).toBe(53), { timeoutMs: 10000 });
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    await page.context().close();
  });

  it('Runbooks: risk, guards, file errors as file:line:column, the approvals inbox, and the kill switch for admins only', async () => {
    const listed = await admin.call<{ errors: { file: string; line: number; column: number; message: string }[] }>('GET', '/api/runbooks');
    expect(listed.body.errors.length).toBeGreaterThan(0);
    const error = listed.body.errors[0]!;
    expect(error.file).toMatch(/broken-restart\.yaml$/);
    expect(error.line).toBe(BROKEN.split('\n').findIndex((l) => l.startsWith('risk:')) + 1);

    // A viewer: everything readable at phone width, no toggle, no decision buttons.
    const viewer = await open(viewerToken, { width: 390, height: 844 });
    await viewer.goto(`${platform.url}/#/runbooks`);
    const card = viewer.getByTestId('runbook-note-payments');
    await card.waitFor();
    expect(await card.getByTestId('risk').textContent()).toBe('risk medium');
    expect(await card.textContent()).toContain('anomaly(service=payments)');
    expect(await card.textContent()).toContain('cooldown 10 min');
    expect(await viewer.getByTestId('runbook-errors').textContent()).toContain(`${error.file}:${error.line}:${error.column}: `);
    await viewer.getByTestId('kill-switch-state').waitFor();
    expect(await viewer.getByTestId('kill-switch-state').textContent()).toBe('off');
    await viewer.locator('[data-testid="approvals"] li').first().waitFor({ timeout: 20000 });
    for (const name of [/kill switch/i, /^Approve$/, /^Reject$/]) expect(await viewer.getByRole('button', { name }).count()).toBe(0);
    await noHorizontalScroll(viewer);
    for (const hash of ['#/services?service=checkout', '#/signals?service=checkout']) {
      await viewer.goto(`${platform.url}/${hash}`);
      await viewer.locator('table.data').first().waitFor();
      await noHorizontalScroll(viewer);
    }
    await viewer.context().close();

    // A responder approves the pending step from the inbox.
    const responder = await open(responderToken);
    await responder.getByRole('link', { name: 'Runbooks', exact: true }).click();
    const pending = responder.locator('[data-testid="approvals"] li').first();
    await pending.getByRole('button', { name: 'Approve' }).waitFor({ timeout: 20000 });
    expect(await responder.getByRole('button', { name: /kill switch/i }).count()).toBe(0);
    await pending.getByRole('button', { name: 'Approve' }).click();
    await responder.getByText('Nothing waits for a decision.').waitFor({ timeout: 10000 });
    await responder.context().close();

    // An admin turns the kill switch on, with a reason; the API reports it on.
    const page = await open(ADMIN);
    await page.getByRole('link', { name: 'Runbooks', exact: true }).click();
    await page.getByRole('button', { name: 'Turn kill switch on' }).click();
    await page.getByLabel('Reason').fill('database migration in progress');
    await page.getByRole('button', { name: 'Confirm: on' }).click();
    await expectEventually(async () => expect(await page.getByTestId('kill-switch-state').textContent()).toBe('on'), { timeoutMs: 10000 });
    expect((await admin.call<{ killSwitch: { on: boolean; updatedBy: string } }>('GET', '/api/runbooks')).body.killSwitch.on).toBe(true);
    const audit = await admin.call<{ items: { action: string; after: { reason?: string } }[] }>('GET', '/api/audit?targetType=runbook_settings');
    expect(audit.body.items[0]).toMatchObject({ action: 'runbook.kill_switch', after: { on: true, reason: 'database migration in progress' } });
    await page.getByRole('button', { name: 'Turn kill switch off' }).waitFor();
    await page.screenshot({ path: join(IMAGES, 'runbooks.png') });

    // The other screenshots for the docs: the overview and the incident.
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    await page.getByTestId('open-sev1').waitFor();
    await expectEventually(async () => expect(await page.getByTestId('mtta').textContent()).not.toBe(''), { timeoutMs: 5000 });
    await page.screenshot({ path: join(IMAGES, 'overview.png') });
    const incidents = await admin.call<{ items: IncidentJson[] }>('GET', '/api/incidents?status=open');
    await page.goto(`${platform.url}/#/incidents/${encodeURIComponent(incidents.body.items[0]!.id)}`);
    await page.locator('.timeline li[data-type="run_approved"]').waitFor({ timeout: 10000 });
    await page.getByTestId('signals-chart').locator('canvas').waitFor();
    await page.screenshot({ path: join(IMAGES, 'incident.png') });
    await page.context().close();
  });
});
