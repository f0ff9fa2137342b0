import type { Platform } from '@vigil/cli';
import type { VigilConfig } from '@vigil/config';
import { SlackChannelRepository } from '@vigil/store';
import { expectEventually, useTestDatabase } from '@vigil/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPlatform } from '../e2e/platform-fixture';
import { anomalyEvent, MINUTE } from '../incidents/anomaly-traffic';
import { incidentApi, type IncidentJson } from '../incidents/incident-api';
import { startRemediationEndpoint } from '../runbooks/remediation-endpoint';
import { MockSlackApi, type RecordedSlackCall } from './mock-slack-api';
import { slackSender } from './signed-slack-request';

const ADMIN = 'slack-inbound-admin-token-0123456789';
const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const REMEDIATION_SECRET = 'whsec_c2xhY2staW5ib3VuZC1yZW1lZGlhdGlvbi1zZWNyZXQ=';
const RESPONDER = 'U0RESPOND1';
const ADMIN_USER = 'U0ADMIN001';
const VIEWER = 'U0WATCHER1';

interface TimelineJson {
  items: { type: string; actor: string; text: string; data: Record<string, unknown> }[];
}

/**
 * Slack's inbound half against the all-in-one platform on a real PostgreSQL: requests signed as
 * Slack signs them reach POST /slack/events; the Web API and response_url hooks are a local
 * stand-in. Commands, clicks, channel messages and pins change incidents and runs exactly as the
 * REST API would, with the Slack user on the timeline.
 */
describe('Slack inbound: /slack/events on the platform', () => {
  const pg = useTestDatabase();
  let platform: Platform;
  let config: VigilConfig;
  let slack: MockSlackApi;
  let endpoint: Awaited<ReturnType<typeof startRemediationEndpoint>>;
  let send: ReturnType<typeof slackSender>;
  let api: ReturnType<typeof incidentApi>;
  let hookSeq = 0;
  const t0 = Math.floor(Date.now() / MINUTE) * MINUTE;

  beforeAll(async () => {
    process.env['SLACK_INBOUND_REMEDIATION_SECRET'] = REMEDIATION_SECRET;
    slack = await MockSlackApi.start({ token: 'xoxb-test' });
    endpoint = await startRemediationEndpoint({ secret: REMEDIATION_SECRET });
    const dir = mkdtempSync(join(tmpdir(), 'vigil-slack-runbooks-'));
    writeFileSync(
      join(dir, 'restart-email.yaml'),
      `apiVersion: vigil/v1
kind: Runbook
metadata: { name: restart-email }
triggers: [{ on: anomaly, service: email }]
risk: high
steps:
  - { type: approval, name: ok-to-restart, roles: [admin], timeoutMinutes: 30 }
  - type: action
    name: restart
    action: http.request
    target: deployment/email
    with: { url: "${endpoint.url}/restart/email", secretEnv: SLACK_INBOUND_REMEDIATION_SECRET }
`,
    );
    ({ platform, config } = await startTestPlatform({
      DATABASE_URL: pg.url,
      VIGIL_ADMIN_TOKEN: ADMIN,
      VIGIL_RUNBOOKS_DIR: dir,
      VIGIL_RUNBOOK_POLL_MS: '100',
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: `${slack.url}/api/`,
      SLACK_USER_ROLES: JSON.stringify({ [RESPONDER]: 'responder', [ADMIN_USER]: 'admin' }),
    }));
    send = slackSender(platform.url, SIGNING_SECRET);
    api = incidentApi(platform.url, ADMIN);
  });
  afterAll(async () => {
    await platform?.stop();
    await slack?.close();
    await endpoint?.close();
  });

  /** A response_url on the stand-in, and what was posted to it. */
  const hook = () => {
    const path = `/hooks/${++hookSeq}`;
    return { url: `${slack.url}${path}`, posted: (): Record<string, unknown>[] => slack.calls.filter((c: RecordedSlackCall) => c.method === path).map((c) => c.params) };
  };
  const incident = async (id: string): Promise<IncidentJson> => (await api.call<IncidentJson>('GET', `/api/incidents/${id}`)).body;
  const timeline = async (id: string) => (await api.call<TimelineJson>('GET', `/api/incidents/${id}/timeline?limit=200`)).body.items;

  it('refuses requests with a bad signature or a stale timestamp (401) and changes nothing', async () => {
    const forged = slackSender(platform.url, 'not-the-signing-secret');
    expect((await forged.command({ text: 'declare Forged', user_id: RESPONDER, channel_id: 'CGENERAL' })).status).toBe(401);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await send.command({ text: 'declare Replayed', user_id: RESPONDER, channel_id: 'CGENERAL' }, { timestamp: sixMinutesAgo })).status).toBe(401);
    expect((await send.event({ type: 'message', channel: 'CGENERAL', user: RESPONDER, text: 'hi' }, { timestamp: sixMinutesAgo })).status).toBe(401);
    expect(await api.list()).toEqual([]);
  });

  let declared: IncidentJson;
  const CHANNEL = 'C0PAYMENTS';

  it('declares an incident with /incident declare, visible over the API with the Slack user on its timeline', async () => {
    const reply = await send.command({ text: 'declare Payments failing --service payments', user_id: RESPONDER, channel_id: 'CGENERAL' });
    expect(reply.status).toBe(200);
    const [found] = await api.list();
    expect(found).toMatchObject({ title: 'Payments failing', severity: 'sev3', services: ['payments'], status: 'triggered' });
    declared = found!;
    expect(reply.json()).toMatchObject({ response_type: 'in_channel', text: expect.stringContaining(`#${declared.number} Payments failing`) });
    expect((await timeline(declared.id)).map((e) => e.actor)).toContain(`slack:${RESPONDER}`);
  });

  it('acts on the incident of the channel: /incident ack, and the help for an unknown sub-command', async () => {
    // The outbound half maps channels as it creates them; this incident is below SLACK_MIN_SEVERITY, so map it here.
    slack.channels.set(CHANNEL, { id: CHANNEL, name: `inc-${declared.number}-payments-failing`, members: new Set(['UBOT']), topic: '' });
    await pg.db.query(`INSERT INTO slack_incident_channels (incident_id, channel_id, channel_name) VALUES ($1, $2, $3) ON CONFLICT (incident_id) DO NOTHING`, [declared.id, CHANNEL, 'payments']);
    expect((await new SlackChannelRepository(pg.db).byChannel(CHANNEL))?.incidentId).toBe(declared.id);

    const ack = await send.command({ text: 'ack', user_id: RESPONDER, channel_id: CHANNEL });
    expect(ack.json()).toMatchObject({ response_type: 'in_channel', text: expect.stringContaining('acknowledged') });
    expect((await incident(declared.id)).status).toBe('acknowledged');
    expect((await timeline(declared.id)).find((e) => e.type === 'acknowledged')?.actor).toBe(`slack:${RESPONDER}`);

    const help = await send.command({ text: 'bogus', user_id: RESPONDER, channel_id: CHANNEL });
    expect(help.json()).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('/incident declare <title>') });
  });

  it('puts a message in the incident channel on the timeline, and a pinned one as a key event', async () => {
    expect((await send.event({ type: 'message', channel: CHANNEL, user: RESPONDER, text: 'Rolling back payments to v41', ts: '1700000100.000100', channel_type: 'channel' })).status).toBe(200);
    await send.event({ type: 'message', channel: 'C0ELSEWHERE', user: RESPONDER, text: 'not an incident channel', ts: '1700000101.000100' });
    await send.event({ type: 'message', subtype: 'bot_message', bot_id: 'B0001', channel: CHANNEL, text: 'a bot', ts: '1700000102.000100' });
    await send.event({
      type: 'pin_added',
      user: RESPONDER,
      channel_id: CHANNEL,
      item: { type: 'message', channel: CHANNEL, created: 1700000104, created_by: RESPONDER, message: { type: 'message', user: RESPONDER, text: 'Root cause: expired TLS cert on the ledger', ts: '1700000103.000100' } },
      event_ts: '1700000104.000100',
    });
    const entries = await timeline(declared.id);
    const message = entries.filter((e) => e.type === 'slack_message');
    expect(message).toEqual([expect.objectContaining({ actor: `slack:${RESPONDER}`, text: 'Rolling back payments to v41' })]);
    expect(entries.find((e) => e.type === 'key_event')).toMatchObject({ actor: `slack:${RESPONDER}`, text: 'Root cause: expired TLS cert on the ledger', data: expect.objectContaining({ keyEvent: true }) });
    expect(entries.some((e) => e.text === 'not an incident channel' || e.text === 'a bot')).toBe(false);
  });

  it('resolves from the card’s button for a responder, and refuses a viewer ephemerally without changing anything', async () => {
    const value = JSON.stringify({ incidentId: declared.id });
    const viewerHook = hook();
    expect((await send.action({ userId: VIEWER, channelId: CHANNEL, actionId: 'incident_resolve', value, responseUrl: viewerHook.url })).status).toBe(200);
    expect(viewerHook.posted()).toEqual([expect.objectContaining({ response_type: 'ephemeral', text: expect.stringContaining('viewer') })]);
    expect((await incident(declared.id)).status).toBe('acknowledged');

    const responderHook = hook();
    await send.action({ userId: RESPONDER, channelId: CHANNEL, actionId: 'incident_resolve', value, responseUrl: responderHook.url });
    expect((await incident(declared.id)).status).toBe('resolved');
    expect(responderHook.posted()).toEqual([expect.objectContaining({ response_type: 'in_channel', text: expect.stringContaining('resolved') })]);
    expect((await timeline(declared.id)).find((e) => e.type === 'resolved')?.actor).toBe(`slack:${RESPONDER}`);
  });

  it('sets the severity from the card’s menu', async () => {
    await send.command({ text: 'declare Ledger lagging --service ledger', user_id: RESPONDER, channel_id: 'CGENERAL' });
    const ledger = (await api.list()).find((i) => i.title === 'Ledger lagging')!;
    const h = hook();
    await send.action({ userId: RESPONDER, channelId: 'CGENERAL', actionId: 'incident_severity', selectedOption: JSON.stringify({ incidentId: ledger.id, severity: 'sev1' }), responseUrl: h.url });
    expect((await incident(ledger.id)).severity).toBe('sev1');
    expect(h.posted()[0]).toMatchObject({ response_type: 'in_channel', text: expect.stringContaining('sev1') });

    const viewerHook = hook();
    await send.action({ userId: VIEWER, channelId: 'CGENERAL', actionId: 'incident_severity', selectedOption: JSON.stringify({ incidentId: ledger.id, severity: 'sev4' }), responseUrl: viewerHook.url });
    expect(viewerHook.posted()[0]).toMatchObject({ response_type: 'ephemeral' });
    expect((await incident(ledger.id)).severity).toBe('sev1');
  });

  it('approves a runbook step only for a user with one of the step’s roles; then the run proceeds', async () => {
    await platform.bus.publish(config.VIGIL_TOPIC_ANOMALIES, [anomalyEvent(t0, { service: 'email', signal: 'span:server:POST /send#errors', minute: 0 })].map((e) => ({ key: e.service, value: JSON.stringify(e) })));
    const run = await expectEventually(async () => {
      const [r] = (await api.call<{ items: { id: string; status: string; incidentId: string }[] }>('GET', '/api/runs?runbook=restart-email')).body.items;
      expect(r?.status).toBe('waiting_approval');
      return r!;
    }, { timeoutMs: 20000 });
    const value = JSON.stringify({ incidentId: run.incidentId, runId: run.id });

    const refused = hook();
    await send.action({ userId: RESPONDER, channelId: 'CGENERAL', actionId: 'run_approve', value, responseUrl: refused.url });
    expect(refused.posted()).toEqual([expect.objectContaining({ response_type: 'ephemeral', text: expect.stringMatching(/admin/) })]);
    expect((await api.call<{ status: string }>('GET', `/api/runs/${run.id}`)).body.status).toBe('waiting_approval');

    const approved = hook();
    await send.action({ userId: ADMIN_USER, channelId: 'CGENERAL', actionId: 'run_approve', value, responseUrl: approved.url });
    expect(approved.posted()).toEqual([expect.objectContaining({ response_type: 'in_channel', text: expect.stringContaining('approved step *ok-to-restart*') })]);
    await expectEventually(async () => {
      expect(endpoint.executions.map((e) => e.path)).toEqual(['/restart/email']);
      expect((await api.call<{ status: string }>('GET', `/api/runs/${run.id}`)).body.status).toBe('succeeded');
    }, { timeoutMs: 20000 });
    expect((await timeline(run.incidentId)).find((e) => e.type === 'run_approved')?.actor).toBe(`slack:${ADMIN_USER}`);
  });
});
