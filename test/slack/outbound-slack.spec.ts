import type { Platform } from '@vigil/cli';
import type { VigilConfig } from '@vigil/config';
import { channelNameFor, SLACK_ACTION_IDS } from '@vigil/slack';
import { SlackChannelRepository, type SlackIncidentChannel } from '@vigil/store';
import { useTestDatabase } from '@vigil/testing';
import { startTestPlatform } from '../e2e/platform-fixture';
import { anomalyEvent, MINUTE } from '../incidents/anomaly-traffic';
import { incidentApi, type IncidentJson } from '../incidents/incident-api';
import { callArg, MockSlackApi, type RecordedSlackCall } from './mock-slack-api';

jest.setTimeout(120_000);

const ADMIN_TOKEN = 'slack-outbound-admin-token-0123456789';

interface SlackStatusJson {
  enabled: boolean;
  behind: number;
  cursor: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  lastSuccessAt: string | null;
}

interface Block {
  type: string;
  block_id?: string;
  text?: { text: string };
  fields?: { text: string }[];
  elements?: { type: string; action_id?: string; value?: string; url?: string; options?: { value: string }[] }[];
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const blocksOf = (call: RecordedSlackCall): Block[] => callArg<Block[]>(call, 'blocks') ?? [];
const actionIdsOf = (blocks: Block[]): string[] => blocks.flatMap((b) => (b.elements ?? []).map((e) => e.action_id ?? '')).filter(Boolean);
const textOf = (blocks: Block[]): string => JSON.stringify(blocks);

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Card numbers in a request body: maximal digit runs (single spaces or dashes allowed between
 * digits) of 13–19 digits that pass the Luhn check. Looked for in the body as sent and as Slack
 * decodes it (form fields), so `4111+1111+…` cannot hide one.
 */
function cardNumbersIn(call: RecordedSlackCall): string[] {
  const views = [call.raw, ...Object.values(call.params).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))];
  try {
    views.push(decodeURIComponent(call.raw.replace(/\+/g, ' ')));
  } catch {
    // not form-encoded
  }
  return views.flatMap((v) => [...v.matchAll(/\d(?:[ -]?\d)*/g)].map((m) => m[0].replace(/[ -]/g, ''))).filter((d) => d.length >= 13 && d.length <= 19 && luhnValid(d));
}

/**
 * Slack outbound on the whole platform with a real PostgreSQL and a local stand-in for Slack's
 * Web API: incident channels, the card kept current in place, the thread, rate limits, outages,
 * the postmortem upload, and no card number ever reaching Slack.
 */
describe('Slack outbound: incident channels', () => {
  const pg = useTestDatabase();
  let mock: MockSlackApi;
  let platform: Platform;
  let config: VigilConfig;
  let api: ReturnType<typeof incidentApi>;

  beforeAll(async () => {
    mock = await MockSlackApi.start({ token: 'xoxb-test' });
    ({ platform, config } = await startTestPlatform({
      DATABASE_URL: pg.url,
      VIGIL_ADMIN_TOKEN: ADMIN_TOKEN,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_API_URL: `${mock.url}/api/`,
      SLACK_RESPONDERS: 'U1,U2',
      VIGIL_PUBLIC_URL: 'https://vigil.example.com',
    }));
    api = incidentApi(platform.url, ADMIN_TOKEN);
  });
  afterAll(async () => {
    await platform?.stop();
    await mock?.close();
  });

  const declare = async (title: string, severity: string, services = ['payments', 'gateway']): Promise<IncidentJson> => {
    const r = await api.call<IncidentJson>('POST', '/api/incidents', { title, severity, services });
    expect(r.status).toBe(201);
    return r.body;
  };
  const status = async (): Promise<SlackStatusJson> => (await api.call<SlackStatusJson>('GET', '/api/slack/status')).body;
  const caughtUp = () => waitFor('the Slack sync to catch up', async () => (await status()).behind === 0);
  const stored = (incidentId: string): Promise<SlackIncidentChannel | null> => new SlackChannelRepository(platform.db).byIncident(incidentId);
  const channelOf = (incidentId: string) => waitFor(`the channel of ${incidentId}`, async () => {
    const row = await stored(incidentId);
    return row?.channelId && row.cardTs ? row : null;
  });
  /** The calls about one channel (its create call names it instead). */
  const callsFor = (channel: SlackIncidentChannel): RecordedSlackCall[] =>
    mock.calls.filter((c) => c.params['channel'] === channel.channelId || c.params['channel_id'] === channel.channelId || (c.method === 'conversations.create' && String(c.params['name']).startsWith(channel.channelName ?? '?')));
  const threadOf = (channel: SlackIncidentChannel) => mock.messagesIn(channel.channelId as string, channel.threadTs);

  let paymentsIncident: IncidentJson;
  let paymentsChannel: SlackIncidentChannel;

  it('opens #inc-<n>-<slug> for a sev1 incident: create, invite, topic, then the card with its actions', async () => {
    const incident = await declare('Card payments failing in EU!', 'sev1');
    paymentsIncident = incident;
    const channel = await channelOf(incident.id);
    paymentsChannel = channel;
    await waitFor('the declared entry in the thread', () => threadOf(channel).length >= 1);
    const name = `inc-${incident.number}-card-payments-failing-in-eu`;
    expect(channel.channelName).toBe(name);
    expect(channelNameFor(incident.number, incident.title)).toBe(name);

    const calls = callsFor(channel);
    expect(calls.map((c) => c.method).slice(0, 5)).toEqual(['conversations.create', 'conversations.invite', 'conversations.setTopic', 'chat.postMessage', 'chat.postMessage']);
    const [create, invite, topic, card, reply] = calls as [RecordedSlackCall, RecordedSlackCall, RecordedSlackCall, RecordedSlackCall, RecordedSlackCall];
    // Every call: Slack's wire format, with the bot token as a bearer token.
    for (const c of calls) {
      expect(c.token).toBe('xoxb-test');
      expect(c.contentType).toContain('application/x-www-form-urlencoded');
    }
    expect(create.params).toMatchObject({ name, is_private: 'false' });
    expect(invite.params).toMatchObject({ channel: channel.channelId, users: 'U1,U2' });
    expect(topic.params).toMatchObject({ channel: channel.channelId, topic: 'sev1 · Triggered · payments, gateway' });

    expect(card.params['channel']).toBe(channel.channelId);
    expect(card.params['thread_ts']).toBeUndefined();
    expect(card.params['text']).toBe(`#${incident.number} Card payments failing in EU! — sev1, Triggered (payments, gateway)`);
    expect(callArg(card, 'metadata')).toEqual({ event_type: 'vigil_message', event_payload: { key: `card:${incident.id}`, incidentId: incident.id } });
    const blocks = blocksOf(card);
    expect(blocks[0]).toEqual({ type: 'header', block_id: 'incident_header', text: { type: 'plain_text', text: `#${incident.number} Card payments failing in EU!`, emoji: false } });
    expect(blocks[1]?.fields?.map((f) => f.text)).toEqual(expect.arrayContaining(['*Severity*\n:red_circle: sev1', '*Status*\nTriggered', '*Affected services*\npayments, gateway']));
    expect(actionIdsOf(blocks)).toEqual(expect.arrayContaining([SLACK_ACTION_IDS.acknowledge, SLACK_ACTION_IDS.mitigate, SLACK_ACTION_IDS.resolve, SLACK_ACTION_IDS.severity, SLACK_ACTION_IDS.postmortem]));
    const actions = blocks.find((b) => b.block_id === 'incident_actions');
    for (const element of actions?.elements ?? []) {
      if (element.type === 'button' && !element.url) expect(JSON.parse(element.value ?? '')).toMatchObject({ incidentId: incident.id });
      if (element.type === 'static_select') expect(element.options?.map((o) => JSON.parse(o.value) as unknown)).toEqual(['sev1', 'sev2', 'sev3', 'sev4'].map((severity) => ({ incidentId: incident.id, severity })));
    }
    expect(actions?.elements?.find((e) => e.url)?.url).toBe(`https://vigil.example.com/#/incidents/${encodeURIComponent(incident.id)}`);

    // The declaration is the thread's first reply, under the card.
    expect(card.answered).toBe(200);
    expect(channel.threadTs).toBe(channel.cardTs);
    expect(reply.params['thread_ts']).toBe(channel.cardTs);
    expect(reply.params['text']).toBe('Declared by bootstrap-admin');
    expect(mock.channels.get(channel.channelId as string)?.members).toEqual(new Set(['UBOT', 'U1', 'U2']));
  });

  it('an acknowledge updates the card in place (same ts, status Acknowledged) and posts to the thread', async () => {
    const channel = paymentsChannel;
    const before = mock.calls.length;
    expect((await api.call('POST', `/api/incidents/${paymentsIncident.id}/acknowledge`, {})).status).toBe(200);
    await waitFor('the acknowledgement in the thread', () => threadOf(channel).some((m) => m.text === 'Acknowledged by bootstrap-admin'));
    const calls = mock.calls.slice(before).filter((c) => c.params['channel'] === channel.channelId);
    expect(calls.map((c) => c.method)).toEqual(['conversations.setTopic', 'chat.update', 'chat.postMessage']);
    const [topic, update, reply] = calls as [RecordedSlackCall, RecordedSlackCall, RecordedSlackCall];
    expect(topic.params['topic']).toBe('sev1 · Acknowledged · payments, gateway');
    expect(update.params['ts']).toBe(channel.cardTs);
    expect(blocksOf(update)[1]?.fields?.map((f) => f.text)).toContain('*Status*\nAcknowledged');
    // Acknowledged: no Acknowledge button any more; the rest stay.
    expect(actionIdsOf(blocksOf(update))).not.toContain(SLACK_ACTION_IDS.acknowledge);
    expect(actionIdsOf(blocksOf(update))).toEqual(expect.arrayContaining([SLACK_ACTION_IDS.mitigate, SLACK_ACTION_IDS.resolve]));
    expect(reply.params['thread_ts']).toBe(channel.cardTs);
    // One card in the channel, edited, never re-posted.
    expect(mock.messagesIn(channel.channelId as string).filter((m) => m.metadata?.event_payload['key'] === `card:${paymentsIncident.id}`)).toHaveLength(1);
    expect(mock.messages.find((m) => m.ts === channel.cardTs)?.edits).toBeGreaterThanOrEqual(1);
  });

  it('gives a sev4 incident no channel; when it rises to sev2 it gets one then', async () => {
    const incident = await declare('Nightly report slow', 'sev4', ['reports']);
    await caughtUp();
    expect(await stored(incident.id)).toBeNull();
    expect(mock.callsTo('conversations.create').some((c) => String(c.params['name']).startsWith(`inc-${incident.number}-`))).toBe(false);

    expect((await api.call('POST', `/api/incidents/${incident.id}/severity`, { severity: 'sev2', reason: 'month-end close depends on it' })).status).toBe(200);
    const channel = await channelOf(incident.id);
    expect(channel.channelName).toBe(`inc-${incident.number}-nightly-report-slow`);
    await waitFor('the severity change in the thread', () => threadOf(channel).some((m) => m.text.startsWith('Severity sev4 → sev2')));
    // Only what happened once it qualified is posted: the earlier declaration is on the card, not replayed.
    expect(threadOf(channel).map((m) => m.text)).toEqual(['Severity sev4 → sev2 by bootstrap-admin: month-end close depends on it']);
  });

  it('on name_taken retries the name with -2', async () => {
    mock.fail('conversations.create', 'name_taken', 1);
    const incident = await declare('Ledger writes timing out', 'sev2', ['ledger']);
    const channel = await channelOf(incident.id);
    const name = `inc-${incident.number}-ledger-writes-timing-out`;
    const creates = mock.callsTo('conversations.create').filter((c) => String(c.params['name']).startsWith(name));
    expect(creates.map((c) => c.params['name'])).toEqual([name, `${name}-2`]);
    expect(channel.channelName).toBe(`${name}-2`);
  });

  it('a 429 storm (10 × Retry-After 1) only delays: every change arrives, in order, none lost or doubled', async () => {
    const incident = await declare('Checkout latency spike', 'sev2', ['checkout']);
    const channel = await channelOf(incident.id);
    await caughtUp();
    const before = mock.calls.length;
    mock.rateLimit(10, 1);
    const started = Date.now();
    const notes = ['first look: p95 at 4s', 'second: db pool exhausted', 'third: raising pool size', 'fourth: p95 recovering'];
    for (const text of notes) expect((await api.call('POST', `/api/incidents/${incident.id}/notes`, { text })).status).toBe(201);
    expect((await api.call('POST', `/api/incidents/${incident.id}/mitigate`, {})).status).toBe(200);
    await waitFor('every change in the thread', () => threadOf(channel).some((m) => m.text === 'Mitigated by bootstrap-admin'), 60_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_000);
    expect(threadOf(channel).map((m) => m.text)).toEqual(['Declared by bootstrap-admin', ...notes, 'Mitigated by bootstrap-admin']);

    const calls = mock.calls.slice(before);
    const limited = calls.filter((c) => c.answered === 429);
    expect(limited).toHaveLength(10);
    // Each refused call is made again, unchanged, before anything else.
    for (const refused of limited) {
      const next = calls[calls.indexOf(refused) + 1];
      expect(next?.method).toBe(refused.method);
      expect(next?.raw).toBe(refused.raw);
    }
    // The card's last update shows the last state.
    const updates = calls.filter((c) => c.method === 'chat.update' && c.params['ts'] === channel.cardTs && c.answered === 200);
    expect(blocksOf(updates[updates.length - 1] as RecordedSlackCall)[1]?.fields?.map((f) => f.text)).toContain('*Status*\nMitigated');
  });

  it('while Slack is down incidents go on; the status shows how far behind and why; then it catches up', async () => {
    await caughtUp();
    await mock.down('503');
    const incident = await declare('Card authorisations declined', 'sev1', ['issuing']);
    const s1 = await waitFor('the 503 in the status', async () => {
      const s = await status();
      return s.lastError?.includes('HTTP 503') ? s : null;
    });
    expect(s1.enabled).toBe(true);
    expect(s1.behind).toBeGreaterThan(0);

    await mock.down('refused');
    expect((await api.call('POST', `/api/incidents/${incident.id}/acknowledge`, {})).status).toBe(200);
    expect((await api.call('POST', `/api/incidents/${incident.id}/notes`, { text: 'Slack is down, working from the dashboard' })).status).toBe(201);
    const s2 = await waitFor('the refused connection in the status', async () => {
      const s = await status();
      return s.lastError?.includes('ECONNREFUSED') ? s : null;
    });
    expect(s2.behind).toBeGreaterThanOrEqual(3);
    expect(s2.lastErrorAt).not.toBeNull();

    await mock.up();
    await waitFor('the sync to catch up', async () => (await status()).behind === 0, 60_000);
    const channel = await channelOf(incident.id);
    expect(threadOf(channel).map((m) => m.text)).toEqual(['Declared by bootstrap-admin', 'Acknowledged by bootstrap-admin', 'Slack is down, working from the dashboard']);
    const after = await status();
    expect(Date.parse(after.lastSuccessAt ?? '')).toBeGreaterThan(Date.parse(after.lastErrorAt ?? ''));
  });

  it('a response lost on the way back does not post the message twice', async () => {
    const channel = paymentsChannel;
    await caughtUp();
    mock.loseResponses(1, 'chat.postMessage');
    expect((await api.call('POST', `/api/incidents/${paymentsIncident.id}/notes`, { text: 'PSP confirms an outage on their side' })).status).toBe(201);
    await caughtUp();
    expect(threadOf(channel).filter((m) => m.text === 'PSP confirms an outage on their side')).toHaveLength(1);
    expect(mock.calls.some((c) => c.method === 'chat.postMessage' && c.answered === 'dropped')).toBe(true);
    expect(mock.callsTo('conversations.replies').length).toBeGreaterThanOrEqual(1);
  });

  it('resolving uploads the postmortem draft to the channel', async () => {
    const channel = paymentsChannel;
    expect((await api.call('POST', `/api/incidents/${paymentsIncident.id}/resolve`, { note: 'PSP failover' })).status).toBe(200);
    const complete = await waitFor('the postmortem upload', () => mock.callsTo('files.completeUploadExternal').find((c) => c.params['channel_id'] === channel.channelId));
    const [listed] = callArg<{ id: string; title: string }[]>(complete, 'files') ?? [];
    const file = mock.files.get(listed?.id ?? '');
    expect(file?.filename).toBe(`inc-${paymentsIncident.number}-postmortem.md`);
    expect(file?.completed).toBe(true);
    expect(file?.content).toContain('Card payments failing in EU');
    expect(file?.content).toContain('PSP failover');
    const get = mock.callsTo('files.getUploadURLExternal').find((c) => c.params['filename'] === `inc-${paymentsIncident.number}-postmortem.md`);
    expect(get?.token).toBe('xoxb-test');
    expect(mock.messagesIn(channel.channelId as string).some((m) => m.files?.[0]?.id === listed?.id)).toBe(true);
    await waitFor('the resolution on the card', () => {
      const card = mock.messages.find((m) => m.ts === channel.cardTs);
      return card && textOf(card.blocks as Block[]).includes('Resolved') ? card : null;
    });
    // The draft was stored as a revision, once.
    await caughtUp();
    const revisions = await api.call<{ items: unknown[] }>('GET', `/api/incidents/${paymentsIncident.id}/postmortem/revisions`);
    expect(revisions.body.items).toHaveLength(1);
    expect(mock.callsTo('files.completeUploadExternal').filter((c) => c.params['channel_id'] === channel.channelId)).toHaveLength(1);
  });

  it('no card number ever reaches Slack: masked anomaly evidence, and a note someone typed a PAN into', async () => {
    const t0 = Math.floor(Date.now() / MINUTE) * MINUTE - 5 * MINUTE;
    const event = {
      ...anomalyEvent(t0, { service: 'card-auth', signal: 'log:declined#rate', kind: 'log_error_surge', minute: 0, observed: 42, expected: 3 }),
      summary: 'authorisation declined for card [PAN ****1111] (issuer timeout)',
      evidence: [{ timeUnixNano: `${t0}000000`, severityNumber: 17, body: 'declined card [PAN ****1111] issuer=visa', traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8) }],
    };
    await platform.bus.publish(config.VIGIL_TOPIC_ANOMALIES, [{ key: event.service, value: JSON.stringify(event) }]);
    const incident = await waitFor('the card-auth incident', async () => (await api.list('status=open')).find((i) => i.services.includes('card-auth')));
    expect((await api.call('POST', `/api/incidents/${incident.id}/severity`, { severity: 'sev1' })).status).toBe(200);
    expect((await api.call('POST', `/api/incidents/${incident.id}/notes`, { text: 'customer read out 4111 1111 1111 1111 on the phone' })).status).toBe(201);
    expect((await api.call('POST', `/api/incidents/${incident.id}/resolve`, { note: 'issuer back; card 4111-1111-1111-1111 retried fine' })).status).toBe(200);
    const channel = await channelOf(incident.id);
    await waitFor('the postmortem upload', () => mock.callsTo('files.completeUploadExternal').some((c) => c.params['channel_id'] === channel.channelId));
    await caughtUp();

    // The anomaly made it to Slack (masked) …
    const card = mock.messages.find((m) => m.ts === channel.cardTs);
    expect(textOf(card?.blocks as Block[])).toContain('[PAN ****1111]');
    expect(threadOf(channel).some((m) => m.text.includes('customer read out [PAN ****1111] on the phone'))).toBe(true);
    // … and nothing Slack received, in any request of this whole run, holds a card number.
    expect(mock.calls.length).toBeGreaterThan(50);
    const leaks = mock.calls.flatMap((c) => cardNumbersIn(c).map((pan) => `${c.method}: ${pan}`));
    expect(leaks).toEqual([]);
    // The scan does find one where there is one.
    const probe = (raw: string): RecordedSlackCall => ({ method: 'x', token: null, contentType: 'application/x-www-form-urlencoded', params: {}, raw, answered: 200, atMs: 0 });
    expect(cardNumbersIn(probe('text=pan+4111+1111+1111+1111'))).toContain('4111111111111111');
    expect(cardNumbersIn(probe('text=pan%204111-1111-1111-1111'))).toContain('4111111111111111');
    expect(cardNumbersIn(probe('text=pan+4111+1111+1111+1112+ts+1700000001.000001'))).toEqual([]);
  });

  it('never sends the token anywhere but the Authorization header', () => {
    expect(mock.calls.filter((c) => c.raw.includes('xoxb-test'))).toEqual([]);
  });
});
