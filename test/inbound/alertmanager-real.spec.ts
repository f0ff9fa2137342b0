import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Platform } from '@vigil/cli';
import { expectEventually, useTestDatabase, freePort } from '@vigil/testing';
import { startTestPlatform } from '../e2e/platform-fixture';
import { startRemediationEndpoint } from '../runbooks/remediation-endpoint';
import { incidentWatch, minutesFromNow } from './inbound-client';

const REMEDIATION_SECRET = 'whsec_YWxlcnRtYW5hZ2VyLXJlbWVkaWF0aW9uLXNlY3JldA==';

const ADMIN_TOKEN = 'alertmanager-admin-token-0123456789';
/** Debian's package (`apt-get install prometheus-alertmanager`); test/run.sh installs it when it can. */
const ALERTMANAGER = process.env['VIGIL_TEST_ALERTMANAGER'] ?? '/usr/bin/prometheus-alertmanager';

/** Prometheus Alertmanager as a child process, its webhook receiver pointed at Vigil. */
class Alertmanager {
  private readonly dir = mkdtempSync(join(tmpdir(), 'vigil-alertmanager-'));
  private child: ChildProcess | undefined;
  private output = '';
  url = '';

  async start(webhookUrl: string, token: string): Promise<void> {
    const config = join(this.dir, 'alertmanager.yml');
    writeFileSync(
      config,
      [
        'global:',
        '  resolve_timeout: 1m',
        'route:',
        '  receiver: vigil',
        "  group_by: ['alertname', 'service']",
        '  group_wait: 1s',
        '  group_interval: 1s',
        '  repeat_interval: 1h',
        'receivers:',
        '  - name: vigil',
        '    webhook_configs:',
        `      - url: ${JSON.stringify(webhookUrl)}`,
        '        send_resolved: true',
        '        http_config:',
        '          authorization:',
        '            type: Bearer',
        `            credentials: ${JSON.stringify(token)}`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    this.child = spawn(
      ALERTMANAGER,
      [`--config.file=${config}`, `--storage.path=${join(this.dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=info'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-20_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    await expectEventually(
      async () => {
        if (this.child?.exitCode !== null) throw new Error(`alertmanager exited with ${this.child?.exitCode}:\n${this.output}`);
        const ready = await fetch(`${this.url}/-/ready`).catch(() => undefined);
        expect(ready?.status).toBe(200);
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
  }

  /** POST /api/v2/alerts, as Prometheus does. */
  async post(alerts: { labels: Record<string, string>; annotations?: Record<string, string>; startsAt: string; endsAt?: string }[]): Promise<void> {
    const response = await fetch(`${this.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts.map((a) => ({ ...a, generatorURL: 'http://prometheus.example:9090/graph?g0.expr=up%3D%3D0' }))),
    });
    if (response.status !== 200) throw new Error(`alertmanager refused the alerts: ${response.status} ${await response.text()}`);
  }

  /** What alertmanager logged (for failures). */
  log(): string {
    return this.output;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The real Prometheus Alertmanager (Debian's prometheus-alertmanager) sending to Vigil's
 * webhook receiver with a responder token: a fired alert opens an incident; the same alert
 * posted with an end in the past makes Alertmanager send `resolved`, which recovers the signal;
 * a later alert moves event time past the resolve delay and the incident resolves.
 */
describe('Prometheus Alertmanager → Vigil', () => {
  const pg = useTestDatabase();
  const alertmanager = new Alertmanager();
  let platform: Platform;
  let watch: ReturnType<typeof incidentWatch>;
  let endpoint: Awaited<ReturnType<typeof startRemediationEndpoint>>;

  beforeAll(async () => {
    // The matching runbook: restart payments through its remediation endpoint, then verify.
    process.env['AM_REMEDIATION_SECRET'] = REMEDIATION_SECRET;
    endpoint = await startRemediationEndpoint({ secret: REMEDIATION_SECRET });
    const runbooks = mkdtempSync(join(tmpdir(), 'vigil-am-runbooks-'));
    writeFileSync(
      join(runbooks, 'payments-latency.yaml'),
      [
        'apiVersion: vigil/v1',
        'kind: Runbook',
        'metadata: { name: payments-latency-restart }',
        'triggers: [{ on: alert, labels: { alertname: PaymentsLatencyHigh, severity: "~critical|page" } }]',
        'risk: low',
        'steps:',
        '  - type: action',
        '    name: restart',
        '    action: http.request',
        '    target: deployment/{{service}}',
        `    with: { url: "${endpoint.url}/restart/{{service}}", secretEnv: AM_REMEDIATION_SECRET }`,
        `    rollback: { action: notify.webhook, with: { url: "${endpoint.url}/notify", secretEnv: AM_REMEDIATION_SECRET, message: "restart did not help {{service}}" } }`,
        '  - { type: verify, name: healed, withinMinutes: 2 }',
        '',
      ].join('\n'),
    );
    if (!existsSync(ALERTMANAGER)) {
      throw new Error(
        `Prometheus Alertmanager is not installed (${ALERTMANAGER} is missing). Run the tests with \`npm test\` as root (it installs it), ` +
          'or install it with `apt-get install prometheus-alertmanager`, or point VIGIL_TEST_ALERTMANAGER at an alertmanager binary.',
      );
    }
    ({ platform } = await startTestPlatform({ DATABASE_URL: pg.url, VIGIL_ADMIN_TOKEN: ADMIN_TOKEN, VIGIL_INCIDENT_RESOLVE_AFTER_MINUTES: '1', VIGIL_RUNBOOKS_DIR: runbooks, VIGIL_RUNBOOK_POLL_MS: '100', VIGIL_RUNBOOK_VERIFY_POLL_MS: '200' }));
    watch = incidentWatch(platform.url, ADMIN_TOKEN);
    const created = await watch.api.call<{ token: string }>('POST', '/api/tokens', { name: 'alertmanager', role: 'responder' });
    expect(created.status).toBe(201);
    await alertmanager.start(`${platform.url}/api/webhooks/alertmanager`, created.body.token);
  }, 60_000);

  afterAll(async () => {
    await alertmanager.stop();
    await platform?.stop();
    await endpoint?.close();
  });

  it('opens an incident for a fired alert, runs the matching runbook, recovers and mitigates when Alertmanager resolves it, and resolves once the delay passed', async () => {
    const alert = {
      labels: { alertname: 'PaymentsLatencyHigh', service: 'payments', severity: 'critical', instance: 'payments-0:8080' },
      annotations: { summary: 'payments p95 above 800 ms', runbook_url: 'https://runbooks.example/payments' },
      startsAt: minutesFromNow(-10),
    };
    await alertmanager.post([alert]);
    const opened = await watch.incidentOf('payments', undefined, 30_000).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\nalertmanager log:\n${alertmanager.log()}`);
    });
    expect(opened).toMatchObject({ status: 'triggered', services: ['payments'] });
    expect(opened.signals).toEqual([
      expect.objectContaining({
        kind: 'alert',
        signal: 'alert:PaymentsLatencyHigh',
        fingerprint: expect.stringMatching(/^payments\|alert\|alertmanager:[0-9a-f]{16}$/),
        recoveredAt: null,
        firstEvent: expect.objectContaining({ summary: 'payments p95 above 800 ms', labels: alert.labels }),
      }),
    ]);
    expect(Number(BigInt(opened.signals[0]!.firstEvent.timeUnixNano) / 1_000_000n)).toBe(Date.parse(alert.startsAt));
    // The alert's labels trigger the matching runbook, which restarts payments once.
    await expectEventually(() => expect(endpoint.executions.map((e) => e.path)).toEqual(['/restart/payments']), { timeoutMs: 30_000 });
    await expectEventually(async () => {
      const runs = await watch.api.call<{ items: { runbook: string; status: string; incidentId: string }[] }>('GET', '/api/runs');
      expect(runs.body.items).toEqual([expect.objectContaining({ runbook: 'payments-latency-restart', status: 'verifying', incidentId: opened.id })]);
    }, { timeoutMs: 30_000 });

    // Ended five minutes ago: Alertmanager notifies `resolved` with that endsAt.
    const endsAt = minutesFromNow(-5);
    await alertmanager.post([{ ...alert, endsAt }]);
    const recovered = await watch.incidentOf('payments', (i) => expect(i.signals[0]?.recoveredAt).not.toBeNull(), 30_000);
    expect(recovered.signals[0]?.recoveredAt).toBe(new Date(endsAt).toISOString());
    expect(endpoint.executions.map((e) => e.path)).toEqual(['/restart/payments']);
    // Verification saw the alert resolve: the run succeeded and the incident is mitigated.
    await expectEventually(async () => {
      const [run] = (await watch.api.call<{ items: { status: string }[] }>('GET', '/api/runs')).body.items;
      expect(run?.status).toBe('succeeded');
    }, { timeoutMs: 30_000 });
    expect((await watch.incidentOf('payments')).status).toBe('mitigated');

    // Event time moves with the next alert (another service, firing now): a minute past the recovery, it resolves.
    await alertmanager.post([{ labels: { alertname: 'DiskFilling', service: 'reports', severity: 'warning' }, startsAt: minutesFromNow(0) }]);
    await watch.incidentOf('reports', undefined, 30_000);
    const resolved = await watch.incidentOf('payments', (i) => expect(i.status).toBe('resolved'), 30_000);
    expect(resolved.resolvedAt).toBe(new Date(Date.parse(endsAt) + 60_000).toISOString());
    expect(alertmanager.log()).not.toMatch(/level=error/);
  });
});
