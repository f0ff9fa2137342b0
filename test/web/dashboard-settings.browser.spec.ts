import type { Platform } from '@vigil/cli';
import { expectEventually, useTestDatabase } from '@vigil/testing';
import type { Browser, Page } from 'playwright-core';
import { ensureDashboardBuilt, launchChromium } from './dashboard-browser';
import { startTestPlatform } from '../e2e/platform-fixture';
import { incidentApi } from '../incidents/incident-api';

const ADMIN = 'dashboard-settings-admin-token-0123456789';
// Code run in the page is passed as strings: this project's type-check has no DOM library.

/**
 * The Settings page in Debian's Chromium against the whole platform: Slack status, silences and
 * maintenance windows for everyone (forms for responders), API tokens and webhook subscriptions
 * for admins only; secrets shown once.
 */
describe('web dashboard: settings', () => {
  const pg = useTestDatabase();
  let platform: Platform;
  let browser: Browser;
  let viewerToken: string;
  let admin: ReturnType<typeof incidentApi>;

  beforeAll(async () => {
    ensureDashboardBuilt();
    ({ platform } = await startTestPlatform({ DATABASE_URL: pg.url, VIGIL_ADMIN_TOKEN: ADMIN }));
    admin = incidentApi(platform.url, ADMIN);
    viewerToken = (await admin.call<{ token: string }>('POST', '/api/tokens', { name: 'vic', role: 'viewer' })).body.token;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  const open = async (token: string, viewport = { width: 1280, height: 800 }): Promise<Page> => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await page.goto(`${platform.url}/#token=${token}`);
    await page.getByTestId('who').waitFor();
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    return page;
  };
  const noHorizontalScroll = async (page: Page) => {
    const widths = await page.evaluate<{ scroll: number; viewport: number }>('({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth })');
    expect(widths.scroll).toBeLessThanOrEqual(widths.viewport);
  };

  it('admin: creates a token (shown once), a silence (active, then expired) and a webhook subscription (secret once)', async () => {
    const page = await open(ADMIN);
    expect(await page.getByTestId('slack-status').textContent()).toContain('Slack is off');

    // An API token: the value once, the list without it.
    const tokens = page.getByTestId('tokens-section');
    await tokens.getByLabel('Token name').fill('grafana');
    await tokens.getByLabel('Role').selectOption('responder');
    await tokens.getByRole('button', { name: 'Create token' }).click();
    const value = (await page.getByTestId('new-token-value').textContent()) ?? '';
    expect(value.length).toBeGreaterThan(20);
    const row = page.locator('[data-testid="tokens"] tr[data-name="grafana"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('responder');
    expect(await page.getByTestId('tokens').textContent()).not.toContain(value);
    expect((await incidentApi(platform.url, value).call<{ role: string }>('GET', '/api/me')).body.role).toBe('responder');
    await page.reload();
    await page.locator('[data-testid="tokens"] tr[data-name="grafana"]').waitFor();
    expect(await page.content()).not.toContain(value);
    expect(await page.getByTestId('new-token').count()).toBe(0);

    // A 400 names the field: no comment.
    const silenceForm = page.getByRole('form', { name: 'New silence' });
    await silenceForm.getByLabel('Value').fill('payments');
    await silenceForm.getByRole('button', { name: 'Create silence' }).click();
    await silenceForm.locator('label:has(input[name="comment"]) .field-error').waitFor();

    // A silence with one matcher: active, then expired.
    await silenceForm.getByLabel('Comment').fill('noisy deploy');
    await silenceForm.getByRole('button', { name: 'Create silence' }).click();
    const silence = page.getByTestId('silence').filter({ hasText: 'noisy deploy' });
    await silence.waitFor();
    expect(await silence.getAttribute('data-active')).toBe('true');
    expect(await silence.textContent()).toContain('service="payments"');
    expect((await admin.call<{ items: { matchers: unknown[]; active: boolean }[] }>('GET', '/api/silences')).body.items).toEqual([
      expect.objectContaining({ matchers: [{ label: 'service', op: '=', value: 'payments' }], active: true }),
    ]);
    await silence.getByRole('button', { name: 'Expire' }).click();
    await expectEventually(async () => expect(await silence.getAttribute('data-active')).toBe('false'), { timeoutMs: 5000 });
    expect(await silence.getByRole('button', { name: 'Expire' }).count()).toBe(0);
    expect((await admin.call<{ items: { active: boolean }[] }>('GET', '/api/silences')).body.items[0]!.active).toBe(false);

    // A webhook subscription: the secret once, and its (empty) delivery log.
    const hooks = page.getByTestId('webhooks-section');
    await hooks.getByLabel('URL').fill('https://hooks.example.com/vigil');
    await hooks.getByRole('button', { name: 'Subscribe' }).click();
    const secret = (await page.getByTestId('new-secret-value').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    const sub = page.getByTestId('webhook-subscription').filter({ hasText: 'https://hooks.example.com/vigil' });
    await sub.waitFor();
    expect(await sub.textContent()).toContain('incident.*');
    await sub.getByRole('button', { name: 'Deliveries' }).click();
    await sub.getByTestId('deliveries').waitFor();
    await page.reload();
    await page.getByTestId('webhook-subscription').first().waitFor();
    expect(await page.content()).not.toContain(secret);
    await page.context().close();
  });

  it('viewer: lists only, no admin sections or forms; 390 px without horizontal scroll', async () => {
    await admin.call('POST', '/api/maintenance-windows', { service: 'checkout', reason: 'database upgrade', endsAt: new Date(Date.now() + 3_600_000).toISOString() });
    const page = await open(viewerToken, { width: 390, height: 844 });
    const window = page.getByTestId('maintenance-window').filter({ hasText: 'database upgrade' });
    await window.waitFor();
    expect(await window.getAttribute('data-active')).toBe('true');
    await page.getByTestId('silence').first().waitFor();
    await page.getByTestId('slack-status').waitFor();
    expect(await page.getByTestId('tokens-section').count()).toBe(0);
    expect(await page.getByTestId('webhooks-section').count()).toBe(0);
    expect(await page.locator('form').count()).toBe(0);
    for (const name of ['Expire', 'End now', 'Revoke', 'Disable']) expect(await page.getByRole('button', { name }).count()).toBe(0);
    await noHorizontalScroll(page);
    await page.context().close();

    // And the admin's page at 390 px, forms and tables included.
    const adminPage = await open(ADMIN, { width: 390, height: 844 });
    await adminPage.locator('[data-testid="tokens"] tbody tr').first().waitFor();
    await adminPage.getByTestId('webhook-subscription').first().waitFor();
    await noHorizontalScroll(adminPage);
    await adminPage.context().close();
  });
});
