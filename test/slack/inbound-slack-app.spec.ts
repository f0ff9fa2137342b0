import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createSlackApp, DeskRefusal, slackRoleResolver, type DeskIncident, type IncidentDesk, type SlackActor } from '@vigil/slack';
import express from 'express';
import pino from 'pino';
import { slackSender } from './signed-slack-request';

const SECRET = 'slack-signing-secret-for-the-fake-desk';
const TOKEN = 'xoxb-1111-2222-fake-bot-token';

interface Recorded {
  path: string;
  body: Record<string, unknown>;
  authorization: string | undefined;
}

/** A stand-in for Slack: the Web API (`/api/<method>`) and response_url hooks (`/hooks/…`), recording every call. */
async function startSlackRecorder(): Promise<{ url: string; calls: Recorded[]; close: () => Promise<void> }> {
  const calls: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const type = req.headers['content-type'] ?? '';
      const body = type.includes('json') && raw ? (JSON.parse(raw) as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(raw));
      const path = (req.url ?? '').split('?')[0] ?? '';
      calls.push({ path, body, authorization: req.headers.authorization });
      res.setHeader('content-type', 'application/json');
      if (path === '/api/auth.test') return res.end(JSON.stringify({ ok: true, user_id: 'UBOT', bot_id: 'B0001', team_id: 'T0001' }));
      if (path === '/api/conversations.history') return res.end(JSON.stringify({ ok: true, messages: [{ type: 'message', text: 'fetched: rollback of v42 started', ts: body['latest'] }] }));
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, calls, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** An in-memory desk with the port's rules that matter here. */
function fakeDesk() {
  const incidents = new Map<string, DeskIncident>();
  const calls: { method: string; args: unknown[]; actor?: SlackActor }[] = [];
  let delayMs = 0;
  const wait = () => new Promise((r) => setTimeout(r, delayMs));
  const make = (number: number, title: string, over: Partial<DeskIncident> = {}): DeskIncident => {
    const i: DeskIncident = {
      id: `inc-${number}`, number, title, status: 'triggered', severity: 'sev3', services: ['payments'], commander: null,
      openedAt: '2025-01-01T00:00:00.000Z', acknowledgedAt: null, mitigatedAt: null, resolvedAt: null, rootCauseHints: [], signals: [], similar: [],
      suggestedRunbooks: ['restart-payments'], pendingApprovals: [], dashboardUrl: `http://vigil.test/#/incidents/inc-${number}`, ...over,
    };
    incidents.set(i.id, i);
    return i;
  };
  const must = (ref: string): DeskIncident => {
    const found = incidents.get(ref) ?? [...incidents.values()].find((i) => `${i.number}` === ref.replace(/^#/, ''));
    if (!found) throw new DeskRefusal(`no incident ${ref}`, 'not_found');
    return found;
  };
  const desk: IncidentDesk = {
    get: async (ref) => {
      calls.push({ method: 'get', args: [ref] });
      try {
        return must(ref);
      } catch {
        return null;
      }
    },
    declare: async (input, actor) => {
      calls.push({ method: 'declare', args: [input], actor });
      await wait();
      return make(incidents.size + 1, input.title, { severity: input.severity, services: input.services });
    },
    transition: async (id, t, actor, note) => {
      calls.push({ method: 'transition', args: [id, t, note], actor });
      await wait();
      const i = must(id);
      i.status = ({ acknowledge: 'acknowledged', mitigate: 'mitigated', resolve: 'resolved', reopen: 'triggered' } as const)[t];
      return i;
    },
    setSeverity: async (id, severity, actor) => {
      calls.push({ method: 'setSeverity', args: [id, severity], actor });
      const i = must(id);
      i.severity = severity;
      return i;
    },
    setCommander: async (id, commander, actor) => {
      calls.push({ method: 'setCommander', args: [id, commander], actor });
      const i = must(id);
      i.commander = commander;
      return i;
    },
    addNote: async (id, text, actor, options) => {
      calls.push({ method: 'addNote', args: [id, text, options], actor });
      must(id);
    },
    postmortem: async (id, actor) => {
      calls.push({ method: 'postmortem', args: [id], actor });
      return { markdown: `# Postmortem: ${must(id).title}\n\n## Timeline`, revision: 1 };
    },
    decideApproval: async (runId, decision, actor) => {
      calls.push({ method: 'decideApproval', args: [runId, decision], actor });
      if (actor.role !== 'admin') throw new DeskRefusal(`step ok-to-restart needs one of the roles admin; ${actor.name} is ${actor.role}`, 'forbidden');
      return { runbook: 'page-email', step: 'ok-to-restart' };
    },
    runRunbook: async (incidentId, runbook, actor) => {
      calls.push({ method: 'runRunbook', args: [incidentId, runbook], actor });
      return { runId: 'run-1', status: 'running', blockedGuard: null, outcome: '' };
    },
  };
  return { desk, calls, make, incidents, setDelay: (ms: number) => (delayMs = ms) };
}

describe('Slack inbound (Bolt app over a fake desk)', () => {
  const fake = fakeDesk();
  const logLines: string[] = [];
  let slack: Awaited<ReturnType<typeof startSlackRecorder>>;
  let server: Server;
  let send: ReturnType<typeof slackSender>;
  let sendForged: ReturnType<typeof slackSender>;
  const channels = new Map<string, string>();

  beforeAll(async () => {
    slack = await startSlackRecorder();
    const logger = pino({ level: 'trace' }, new Writable({ write: (chunk: Buffer, _enc, done) => (logLines.push(chunk.toString()), done()) }));
    const inbound = createSlackApp({
      signingSecret: SECRET,
      botToken: TOKEN,
      apiUrl: `${slack.url}/api/`,
      desk: fake.desk,
      roles: slackRoleResolver({ URESP: 'responder', UADMIN: 'admin' }, 'viewer'),
      channelIncident: async (channel) => channels.get(channel) ?? null,
      openIncidents: async () => [...fake.incidents.values()].filter((i) => i.status !== 'resolved'),
      logger,
      answerWithinMs: 300,
    });
    const app = express();
    app.use(inbound.handler);
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    send = slackSender(base, SECRET);
    sendForged = slackSender(base, 'not-the-signing-secret');
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await slack.close();
  });
  beforeEach(() => {
    fake.calls.length = 0;
    slack.calls.length = 0;
  });

  const hooks = () => slack.calls.filter((c) => c.path.startsWith('/hooks/'));

  it('refuses a forged signature, a stale timestamp and missing headers with 401, and answers url_verification', async () => {
    expect((await sendForged.command({ text: 'declare nope', user_id: 'URESP', channel_id: 'CGEN' })).status).toBe(401);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await send.command({ text: 'declare nope', user_id: 'URESP', channel_id: 'CGEN' }, { timestamp: sixMinutesAgo })).status).toBe(401);
    const unsigned = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"url_verification","challenge":"x"}' });
    expect(unsigned.status).toBe(401);
    expect(fake.calls.filter((c) => c.method === 'declare')).toHaveLength(0);

    const verification = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, {
      method: 'POST',
      ...(await import('./signed-slack-request')).signSlackRequest(SECRET, JSON.stringify({ token: 't', challenge: 'c-123', type: 'url_verification' }), 'application/json'),
    });
    expect(verification.status).toBe(200);
    expect(await verification.json()).toEqual({ challenge: 'c-123' });
    const huge = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, {
      method: 'POST',
      ...(await import('./signed-slack-request')).signSlackRequest(SECRET, `payload=${'x'.repeat(1024 * 1024 + 1)}`, 'application/x-www-form-urlencoded'),
    });
    expect(huge.status).toBe(413);
  });

  it('answers /incident with no or an unknown sub-command with the help, only to the user', async () => {
    const empty = await send.command({ text: '', user_id: 'URESP', channel_id: 'CGEN' });
    expect(empty.status).toBe(200);
    expect(empty.json()).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('/incident declare <title>') });
    const bogus = (await send.command({ text: 'bogus things', user_id: 'URESP', channel_id: 'CGEN' })).json();
    expect(bogus).toMatchObject({ response_type: 'ephemeral' });
    expect(bogus['text']).toContain("I don't know `bogus`");
  });

  it('declares from any channel with the default severity, services from --service, and replies in-channel with the number', async () => {
    const reply = (await send.command({ text: 'declare Payments failing --service payments,ledger', user_id: 'URESP', channel_id: 'CGEN' })).json();
    const declared = fake.calls.find((c) => c.method === 'declare')!;
    expect(declared.args[0]).toEqual({ title: 'Payments failing', severity: 'sev3', services: ['payments', 'ledger'] });
    expect(declared.actor).toEqual({ slackUserId: 'URESP', name: 'slack:URESP', role: 'responder' });
    expect(reply).toMatchObject({ response_type: 'in_channel' });
    expect(reply['text']).toMatch(/declared incident \*#\d+ Payments failing\*/);

    await send.command({ text: 'declare DB &lt;primary&gt; down --sev 1', user_id: 'URESP', channel_id: 'CGEN' });
    expect(fake.calls.filter((c) => c.method === 'declare')[1]?.args[0]).toEqual({ title: 'DB <primary> down', severity: 'sev1', services: ['unknown'] });
    const noTitle = (await send.command({ text: 'declare --service x', user_id: 'URESP', channel_id: 'CGEN' })).json();
    expect(noTitle).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('needs a title') });
  });

  it('acts on the channel’s incident, or the one named with #<number> anywhere', async () => {
    const incident = fake.make(40, 'Checkout slow');
    channels.set('CINC40', incident.id);
    const ack = (await send.command({ text: 'ack', user_id: 'URESP', channel_id: 'CINC40' })).json();
    expect(ack).toMatchObject({ response_type: 'in_channel', text: expect.stringContaining('acknowledged *#40 Checkout slow*') });
    expect(fake.calls.find((c) => c.method === 'transition')?.args).toEqual(['inc-40', 'acknowledge', undefined]);

    const elsewhere = (await send.command({ text: 'sev 1', user_id: 'URESP', channel_id: 'CGEN' })).json();
    expect(elsewhere).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('not an incident channel') });
    await send.command({ text: 'sev #40 1', user_id: 'URESP', channel_id: 'CGEN' });
    expect(fake.incidents.get('inc-40')?.severity).toBe('sev1');

    await send.command({ text: 'commander <@UALICE|alice>', user_id: 'URESP', channel_id: 'CINC40' });
    expect(fake.incidents.get('inc-40')?.commander).toBe('<@UALICE>');
    await send.command({ text: 'note rolled back &amp; watching', user_id: 'URESP', channel_id: 'CINC40' });
    expect(fake.calls.find((c) => c.method === 'addNote')?.args).toEqual(['inc-40', 'rolled back & watching', { source: 'slash_command' }]);
    const resolved = (await send.command({ text: 'resolve reverted the deploy', user_id: 'URESP', channel_id: 'CINC40' })).json();
    expect(resolved['text']).toContain('reverted the deploy');
    expect(fake.calls.find((c) => c.method === 'transition' && c.args[1] === 'resolve')?.args).toEqual(['inc-40', 'resolve', 'reverted the deploy']);
    const pm = (await send.command({ text: 'postmortem', user_id: 'URESP', channel_id: 'CINC40' })).json();
    expect(pm).toMatchObject({ response_type: 'in_channel', text: expect.stringContaining('# Postmortem: Checkout slow') });
    const unknown = (await send.command({ text: 'ack #999', user_id: 'URESP', channel_id: 'CGEN' })).json();
    expect(unknown).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('no incident #999') });
  });

  it('shows the channel’s incident for status there, and the open incidents elsewhere', async () => {
    fake.make(41, 'Search down');
    channels.set('CINC41', 'inc-41');
    const here = (await send.command({ text: 'status', user_id: 'UNOBODY', channel_id: 'CINC41' })).json();
    expect(here).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('#41 Search down') });
    const summary = (await send.command({ text: 'status', user_id: 'UNOBODY', channel_id: 'CGEN' })).json();
    expect(summary['text']).toMatch(/open incidents?\*/);
    expect(summary['text']).toContain('#41 Search down');
  });

  it('refuses a viewer’s command without calling the desk', async () => {
    const refused = (await send.command({ text: 'declare Not mine', user_id: 'UNOBODY', channel_id: 'CGEN' })).json();
    expect(refused).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('is a viewer') });
    expect(fake.calls.filter((c) => c.method !== 'get')).toHaveLength(0);
  });

  it('handles the card’s buttons and severity menu, answering on the response_url', async () => {
    fake.make(50, 'Ledger lag');
    const value = JSON.stringify({ incidentId: 'inc-50' });
    const click = await send.action({ userId: 'URESP', channelId: 'CINC50', actionId: 'incident_resolve', value, responseUrl: `${slack.url}/hooks/1` });
    expect(click.status).toBe(200);
    expect(fake.incidents.get('inc-50')?.status).toBe('resolved');
    expect(hooks()).toEqual([expect.objectContaining({ body: expect.objectContaining({ response_type: 'in_channel', replace_original: false, text: expect.stringContaining('resolved') }) })]);

    await send.action({ userId: 'URESP', channelId: 'CINC50', actionId: 'incident_severity', selectedOption: JSON.stringify({ incidentId: 'inc-50', severity: 'sev1' }), responseUrl: `${slack.url}/hooks/2` });
    expect(fake.incidents.get('inc-50')?.severity).toBe('sev1');
    // A plain option value finds the incident from the channel.
    channels.set('CINC50', 'inc-50');
    await send.action({ userId: 'URESP', channelId: 'CINC50', actionId: 'incident_severity', selectedOption: 'sev2', responseUrl: `${slack.url}/hooks/3` });
    expect(fake.incidents.get('inc-50')?.severity).toBe('sev2');

    await send.action({ userId: 'URESP', channelId: 'CINC50', actionId: 'incident_run_runbook', value: JSON.stringify({ incidentId: 'inc-50', runbook: 'restart-payments' }), responseUrl: `${slack.url}/hooks/4` });
    expect(fake.calls.find((c) => c.method === 'runRunbook')?.args).toEqual(['inc-50', 'restart-payments']);
    // The URL button ("Open in Vigil") is acknowledged and does nothing.
    expect((await send.action({ userId: 'URESP', channelId: 'CINC50', actionId: 'incident_open_dashboard', value })).status).toBe(200);
  });

  it('refuses a viewer’s click and surfaces the desk’s refusal, ephemerally', async () => {
    fake.make(60, 'Email queue');
    const before = { ...fake.incidents.get('inc-60')! };
    await send.action({ userId: 'UNOBODY', channelId: 'CINC60', actionId: 'incident_ack', value: JSON.stringify({ incidentId: 'inc-60' }), responseUrl: `${slack.url}/hooks/5` });
    expect(fake.incidents.get('inc-60')).toEqual(before);
    expect(fake.calls.filter((c) => c.method === 'transition')).toHaveLength(0);
    expect(hooks()[0]?.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('is a viewer') });

    slack.calls.length = 0;
    await send.action({ userId: 'URESP', channelId: 'CINC60', actionId: 'run_approve', value: JSON.stringify({ incidentId: 'inc-60', runId: 'run-9' }), responseUrl: `${slack.url}/hooks/6` });
    expect(hooks()[0]?.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('needs one of the roles admin') });
    slack.calls.length = 0;
    await send.action({ userId: 'UADMIN', channelId: 'CINC60', actionId: 'run_approve', value: JSON.stringify({ incidentId: 'inc-60', runId: 'run-9' }), responseUrl: `${slack.url}/hooks/7` });
    expect(hooks()[0]?.body).toMatchObject({ response_type: 'in_channel', text: expect.stringContaining('approved step *ok-to-restart*') });

    // Without a response_url the refusal is a chat.postEphemeral to the user, with the bot token.
    slack.calls.length = 0;
    const payload = { userId: 'URESP', channelId: 'CINC60', actionId: 'run_reject', value: JSON.stringify({ runId: 'run-9' }) };
    const { blockActionsPayload, interactionBody, postToSlackEndpoint } = await import('./signed-slack-request');
    const noUrl = blockActionsPayload(payload);
    delete noUrl['response_url'];
    await postToSlackEndpoint(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, SECRET, 'form', interactionBody(noUrl));
    const ephemeral = slack.calls.find((c) => c.path === '/api/chat.postEphemeral');
    expect(ephemeral?.body).toMatchObject({ channel: 'CINC60', user: 'URESP', text: expect.stringContaining('needs one of the roles admin') });
    expect(ephemeral?.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('puts people’s messages in an incident channel on the timeline, once, and pins as key events', async () => {
    fake.make(70, 'Auth errors');
    channels.set('CINC70', 'inc-70');
    const message = { type: 'message', channel: 'CINC70', user: 'UNOBODY', text: 'I see 5xx on &lt;auth&gt;', ts: '1700000001.000200', channel_type: 'channel' };
    expect((await send.event(message, { eventId: 'Ev0001' })).status).toBe(200);
    await send.event(message, { eventId: 'Ev0001' }); // Slack's retry of the same event
    await send.event({ ...message, channel: 'CRANDOM' });
    await send.event({ ...message, subtype: 'message_changed' });
    await send.event({ ...message, subtype: 'channel_join', text: '<@UNOBODY> has joined the channel' });
    await send.event({ ...message, subtype: 'bot_message', bot_id: 'B0001', user: undefined });
    await send.event({ ...message, bot_id: 'B0002' });
    const notes = fake.calls.filter((c) => c.method === 'addNote');
    expect(notes).toHaveLength(1);
    expect(notes[0]?.args).toEqual(['inc-70', 'I see 5xx on <auth>', { source: 'slack_message' }]);
    expect(notes[0]?.actor).toEqual({ slackUserId: 'UNOBODY', name: 'slack:UNOBODY', role: 'viewer' });

    fake.calls.length = 0;
    await send.event({ type: 'pin_added', user: 'URESP', channel_id: 'CINC70', item: { type: 'message', channel: 'CINC70', message: { type: 'message', user: 'UNOBODY', text: 'Root cause: expired cert', ts: '1700000002.000300' } }, event_ts: '1700000003.000400' });
    // A pin without the message text: read from the channel's history.
    await send.event({ type: 'pin_added', user: 'URESP', channel_id: 'CINC70', item: { type: 'message', channel: 'CINC70', message: { ts: '1700000004.000500' } }, event_ts: '1700000005.000600' });
    // The bot pinning its own card is not a key event (auth.test says who the bot is).
    await send.event({ type: 'pin_added', user: 'UBOT', channel_id: 'CINC70', item: { type: 'message', channel: 'CINC70', message: { text: 'incident card', ts: '1700000006.000700' } }, event_ts: '1700000007.000800' });
    expect(fake.calls.filter((c) => c.method === 'addNote').map((c) => c.args)).toEqual([
      ['inc-70', 'Root cause: expired cert', { keyEvent: true, source: 'slack_message' }],
      ['inc-70', 'fetched: rollback of v42 started', { keyEvent: true, source: 'slack_message' }],
    ]);
  });

  it('acknowledges within the answer window when the desk is slow, and answers on the response_url later', async () => {
    fake.setDelay(900);
    try {
      const started = Date.now();
      const reply = await send.command({ text: 'declare Slow desk', user_id: 'URESP', channel_id: 'CGEN', response_url: `${slack.url}/hooks/slow` });
      expect(reply.status).toBe(200);
      expect(reply.text).toBe('');
      expect(Date.now() - started).toBeLessThan(800);
      await new Promise((r) => setTimeout(r, 1200));
      expect(hooks()).toEqual([expect.objectContaining({ path: '/hooks/slow', body: expect.objectContaining({ response_type: 'in_channel', text: expect.stringContaining('Slow desk') }) })]);
    } finally {
      fake.setDelay(0);
    }
  });

  it('never logs the bot token or the signing secret', () => {
    const all = logLines.join('\n');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(SECRET);
  });
});
