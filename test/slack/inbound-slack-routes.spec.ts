import { startApi, type ApiServer } from '@vigil/api';
import { loadConfig } from '@vigil/config';
import { DeskRefusal, slackRoleResolver, type IncidentDesk } from '@vigil/slack';
import type { Database } from '@vigil/store';
import pino from 'pino';
import { signSlackRequest, slackSender, slashCommandBody } from './signed-slack-request';

const SECRET = 'routes-signing-secret-0123456789';
const refuse = async (): Promise<never> => {
  throw new DeskRefusal('not in this test', 'invalid');
};
const desk: IncidentDesk = {
  get: async () => null,
  declare: refuse,
  transition: refuse,
  setSeverity: refuse,
  setCommander: refuse,
  addNote: refuse,
  postmortem: refuse,
  decideApproval: refuse,
  runRunbook: refuse,
};
// No route under test reaches the database.
const db = {} as Database;
const readiness = { report: async () => ({ ready: true, checks: {} }) };
const logger = pino({ level: 'silent' });

/** How POST /slack/events sits in the API: present only with Slack configured, never read by Nest's body parsers. */
describe('POST /slack/events in the API', () => {
  const servers: ApiServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });
  const start = async (withSlack: boolean): Promise<ApiServer> => {
    const server = await startApi(
      {
        db,
        readiness,
        logger,
        ...(withSlack ? { slack: { signingSecret: SECRET, botToken: 'xoxb-routes', apiUrl: 'http://127.0.0.1:9/api/', roles: () => 'responder' as const, publicUrl: 'http://vigil.test', desk } } : {}),
      },
      { host: '127.0.0.1', port: 0 },
    );
    servers.push(server);
    return server;
  };

  it('does not exist without Slack configured (404)', async () => {
    const server = await start(false);
    expect((await slackSender(server.url, SECRET).command({ text: 'help', user_id: 'U1', channel_id: 'C1' })).status).toBe(404);
  });

  it('reads the raw body itself, whatever the path’s case or trailing slash, while other routes keep their parsers', async () => {
    const server = await start(true);
    const send = slackSender(server.url, SECRET);
    expect((await send.command({ text: 'help', user_id: 'U1', channel_id: 'C1' })).json()).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('/incident declare') });
    for (const path of ['/Slack/Events', '/slack/events/']) {
      const signed = signSlackRequest(SECRET, slashCommandBody({ text: '', user_id: 'U1', channel_id: 'C1' }), 'application/x-www-form-urlencoded');
      const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: signed.headers, body: signed.body });
      expect(response.status).toBe(200);
    }
    const challenge = signSlackRequest(SECRET, JSON.stringify({ token: 't', challenge: 'abc', type: 'url_verification' }), 'application/json');
    const verified = await fetch(`${server.url}/slack/events`, { method: 'POST', headers: challenge.headers, body: challenge.body });
    expect(await verified.json()).toEqual({ challenge: 'abc' });
    expect((await slackSender(server.url, 'wrong-secret').command({ text: 'help', user_id: 'U1', channel_id: 'C1' })).status).toBe(401);
    // The API's own routes still parse JSON (a 401 for the missing token, not a hang or a 400).
    const other = await fetch(`${server.url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' });
    expect(other.status).toBe(401);
    // The OpenAPI document lists the route, open (no bearer token: Slack signs instead).
    const doc = (await (await fetch(`${server.url}/api/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    expect(doc.paths['/slack/events']?.['post']).toBeDefined();
  });
});

describe('Slack roles in the configuration', () => {
  const load = (env: Record<string, string>) => loadConfig({ env });

  it('reads SLACK_USER_ROLES as a JSON map of Slack user ids to roles, others getting SLACK_DEFAULT_ROLE (viewer)', () => {
    expect(load({}).SLACK_USER_ROLES).toEqual({});
    expect(load({}).SLACK_DEFAULT_ROLE).toBe('viewer');
    const config = load({ SLACK_USER_ROLES: '{"U123":"responder","U999":"admin"}', SLACK_DEFAULT_ROLE: 'responder' });
    expect(config.SLACK_USER_ROLES).toEqual({ U123: 'responder', U999: 'admin' });
    const role = slackRoleResolver(config.SLACK_USER_ROLES, config.SLACK_DEFAULT_ROLE);
    expect([role('U123'), role('U999'), role('U555')]).toEqual(['responder', 'admin', 'responder']);
  });

  it.each([
    ['{"U123":"owner"}', /SLACK_USER_ROLES: U123: expected viewer, responder or admin/],
    ['{"alice":"admin"}', /SLACK_USER_ROLES: alice: expected a Slack user id/],
    ['["U123"]', /SLACK_USER_ROLES/],
    ['not json', /SLACK_USER_ROLES: expected a JSON object/],
  ])('refuses SLACK_USER_ROLES=%s', (value, message) => {
    expect(() => load({ SLACK_USER_ROLES: value })).toThrow(message);
  });

  it('refuses an unknown SLACK_DEFAULT_ROLE', () => expect(() => load({ SLACK_DEFAULT_ROLE: 'root' })).toThrow(/SLACK_DEFAULT_ROLE/));
});
