import type { Platform } from '@vigil/cli';
import type { VigilConfig } from '@vigil/config';
import { expectEventually, useTestDatabase } from '@vigil/testing';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { ensureDashboardBuilt, launchChromium } from './dashboard-browser';
import { startTestPlatform } from '../e2e/platform-fixture';
import { anomalyEvent, MINUTE } from '../incidents/anomaly-traffic';
import { incidentApi, type IncidentJson } from '../incidents/incident-api';

const ROOT = join(__dirname, '..', '..');
const ADMIN = 'dashboard-admin-token-0123456789';
// Code run in the page is passed as strings: this project's type-check has no DOM library.

/**
 * The web dashboard in a real browser (Debian's Chromium driven by playwright-core) against the
 * whole platform on a real PostgreSQL: sign-in by link, the incidents list, an incident opened
 * by an anomaly, acknowledging it and seeing the timeline grow live (server-sent events, no
 * reload), approving the runbook step it waits on, what a viewer sees, and a phone-width layout.
 * Also measures the bundle (gzip) and time to first render into test/.work/web-figures.json.
 */
describe('web dashboard in Chromium', () => {
  const pg = useTestDatabase();
  let platform: Platform;
  let config: VigilConfig;
  let browser: Browser;
  let responderToken: string;
  let viewerToken: string;
  let admin: ReturnType<typeof incidentApi>;
  const t0 = Math.floor(Date.now() / MINUTE) * MINUTE;

  beforeAll(async () => {
    ensureDashboardBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'vigil-web-runbooks-'));
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
steps:
  - type: action
    name: note
    action: incident.note
    target: incident/{{incident.number}}
    with: { text: "runbook approved: restart planned" }
`,
    );
    // The runbook must load: a typo here would only show as a run that never starts.
    ({ platform, config } = await startTestPlatform({
      DATABASE_URL: pg.url,
      VIGIL_ADMIN_TOKEN: ADMIN,
      VIGIL_RUNBOOKS_DIR: dir,
      VIGIL_RUNBOOK_POLL_MS: '100',
    }));
    admin = incidentApi(platform.url, ADMIN);
    const token = async (name: string, role: string) => (await admin.call<{ token: string }>('POST', '/api/tokens', { name, role })).body.token;
    responderToken = await token('rosa', 'responder');
    viewerToken = await token('vic', 'viewer');
    expect((await admin.call<{ errors: unknown[] }>('GET', '/api/runbooks')).body.errors).toEqual([]);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  const open = async (token: string, viewport = { width: 1280, height: 900 }): Promise<Page> => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${platform.url}/#token=${token}`);
    return page;
  };

  it('serves the SPA: long cache for hashed assets, no-cache for index.html, fallback for deep links, not for /api', async () => {
    const index = await fetch(`${platform.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(`${platform.url}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const deep = await fetch(`${platform.url}/incidents/whatever`, { headers: { accept: 'text/html' } });
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(html);
    expect((await fetch(`${platform.url}/api/nothing-here`, { headers: { accept: 'text/html' } })).status).toBe(404);
    expect((await fetch(`${platform.url}/healthz`)).headers.get('content-type')).toMatch(/json/);
    expect((await fetch(`${platform.url}/assets/missing.js`)).status).toBe(404);
  });

  it('answers /api/me and streams /api/events with ?token= (401 without)', async () => {
    const me = await incidentApi(platform.url, viewerToken).call<{ name: string; role: string }>('GET', '/api/me');
    expect(me.body).toEqual({ name: 'vic', role: 'viewer' });
    expect((await fetch(`${platform.url}/api/events`)).status).toBe(401);
    expect((await fetch(`${platform.url}/api/events?token=wrong-token`)).status).toBe(401);
    const abort = new AbortController();
    const stream = await fetch(`${platform.url}/api/events?token=${viewerToken}`, { signal: abort.signal });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = stream.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^retry: \d+\nid: \d+\nevent: ready\n/);
    const head = Number(/id: (\d+)/.exec(first)![1]);
    const declared = await admin.call<IncidentJson>('POST', '/api/incidents', { title: 'Stream check', severity: 'sev4', services: ['batch'] });
    let text = '';
    while (!text.includes('event: incident')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain(`"incidentId":"${declared.body.id}"`);
    abort.abort();
    // A reconnect with Last-Event-ID replays what came after it.
    const resumed = new AbortController();
    const again = await fetch(`${platform.url}/api/events?token=${viewerToken}`, { headers: { 'last-event-id': String(head) }, signal: resumed.signal });
    const replay = again.body!.getReader();
    let replayed = '';
    while (!replayed.includes('event: incident')) replayed += new TextDecoder().decode((await replay.read()).value);
    expect(replayed).toContain(`id: ${head + 1}\nevent: incident\ndata: {"incidentId":"${declared.body.id}"`);
    resumed.abort();
    await admin.call('POST', `/api/incidents/${declared.body.id}/resolve`, {});
  });

  it('a responder signs in by link, sees an incident arrive, acknowledges it live and approves the runbook step; a viewer sees no actions', async () => {
    const page = await open(responderToken);
    await page.getByText('rosa · responder').waitFor();
    expect(new URL(page.url()).hash).toBe('#/');
    expect(await page.evaluate<string | null>("sessionStorage.getItem('vigil.token')")).toBe(responderToken);
    await page.getByRole('link', { name: 'Incidents', exact: true }).click();
    await page.getByRole('heading', { name: 'Incidents' }).waitFor();

    // An anomaly opens an incident; the list shows it without a reload.
    await platform.bus.publish(config.VIGIL_TOPIC_ANOMALIES, [
      { key: 'payments', value: JSON.stringify(anomalyEvent(t0, { service: 'payments', signal: 'span:server:POST /pay#errors', minute: 0, observed: 0.3, expected: 0.01 })) },
    ]);
    const link = page.getByRole('link', { name: /span:server:POST \/pay|payments/ }).first();
    await link.waitFor({ timeout: 20000 });
    await link.click();
    await page.getByTestId('incident-status').waitFor();
    expect(await page.getByTestId('incident-status').textContent()).toBe('triggered');
    await page.getByText('trace').first().waitFor();
    expect(await page.locator('.examples code').allTextContents()).toContain('ab'.repeat(16));
    await page.getByTestId('signals-chart').locator('canvas').waitFor();
    await page.locator('.markdown h1, .markdown h2').first().waitFor();

    // Acknowledge: the status changes, and the entry lands on the timeline via the live stream.
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await expectEventually(async () => expect(await page.getByTestId('incident-status').textContent()).toBe('acknowledged'), { timeoutMs: 10000 });
    await page.locator('.timeline li[data-type="acknowledged"]').waitFor({ timeout: 10000 });
    expect(await page.locator('.timeline li[data-type="acknowledged"]').textContent()).toContain('rosa');
    // A change made elsewhere (an admin over the API) appears too, without a reload.
    const incidentId = decodeURIComponent(new URL(page.url()).hash.split('/').pop()!);
    await admin.call('POST', `/api/incidents/${incidentId}/notes`, { text: 'PSP says it is them' });
    await page.locator('.timeline li[data-type="note"]', { hasText: 'PSP says it is them' }).waitFor({ timeout: 10000 });

    // The runbook waits for a responder's approval; approving moves the run on.
    const run = page.getByTestId('run-note-payments');
    await run.getByRole('button', { name: 'Approve' }).waitFor({ timeout: 20000 });
    expect(await run.getByTestId('run-status').textContent()).toBe('waiting_approval');
    await run.getByRole('button', { name: 'Approve' }).click();
    await expectEventually(async () => expect(await run.getByTestId('run-status').textContent()).toBe('succeeded'), { timeoutMs: 20000 });
    expect(await run.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await page.locator('.timeline li[data-type="run_approved"]').waitFor({ timeout: 10000 });
    // Keyboard: the actions are real buttons that take focus.
    await page.getByRole('button', { name: 'Mitigate' }).focus();
    expect(await page.evaluate<string | undefined>('document.activeElement?.textContent')).toBe('Mitigate');
    await page.context().close();

    // A viewer, at phone width: everything readable, no action anywhere, no horizontal scroll.
    const viewer = await open(viewerToken, { width: 390, height: 844 });
    await viewer.getByText('vic · viewer').waitFor();
    await viewer.goto(`${platform.url}/#/incidents/${encodeURIComponent(incidentId)}`);
    await viewer.getByTestId('incident-status').waitFor();
    await viewer.locator('.timeline li[data-type="run_approved"]').waitFor();
    await viewer.getByTestId('run-note-payments').waitFor();
    for (const name of ['Acknowledge', 'Mitigate', 'Resolve', 'Reopen', 'Approve', 'Reject']) expect(await viewer.getByRole('button', { name }).count()).toBe(0);
    expect(await viewer.getByRole('group', { name: 'Incident actions' }).count()).toBe(0);
    const widths = await viewer.evaluate<{ scroll: number; viewport: number }>('({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth })');
    expect(widths.scroll).toBeLessThanOrEqual(widths.viewport);
    await viewer.screenshot({ path: join(workDir(), 'incident-390.png'), fullPage: true });
    await viewer.context().close();
  });

  it('measures bundle size and time to first render (navigation start → incidents list visible, median of 3)', async () => {
    const assets = join(ROOT, 'dist', 'web', 'assets');
    const gz = (ext: string) => readdirSync(assets).filter((f) => f.endsWith(ext)).reduce((sum, f) => sum + gzipSync(readFileSync(join(assets, f)), { level: 9 }).length, 0);
    const samples: number[] = [];
    for (let n = 0; n < 3; n++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addInitScript(`sessionStorage.setItem('vigil.token', ${JSON.stringify(responderToken)})`);
      const page = await context.newPage();
      await page.goto(`${platform.url}/#/incidents`);
      await page.locator('[data-testid="incident-list"] li').first().waitFor();
      samples.push(await page.evaluate<number>('performance.now()'));
      await context.close();
    }
    const figures = { jsGzipBytes: gz('.js'), cssGzipBytes: gz('.css'), firstRenderMs: samples.sort((a, b) => a - b)[1]!, samplesMs: samples.map(Math.round) };
    writeFileSync(join(workDir(), 'web-figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
    process.stderr.write(`dashboard figures: ${JSON.stringify(figures)}\n`);
    expect(figures.jsGzipBytes).toBeGreaterThan(0);
    expect(figures.firstRenderMs).toBeLessThan(10000);
  });
});

function workDir(): string {
  const dir = join(ROOT, 'test', '.work');
  mkdirSync(dir, { recursive: true });
  return dir;
}
