import { createHmac } from 'node:crypto';

/**
 * Requests as Slack sends them to an app's request URL, signed the way Slack signs them
 * (https://api.slack.com/authentication/verifying-requests-from-slack):
 * `x-slack-signature: v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing
 * secret, `x-slack-request-timestamp: <unix seconds>`. Slash commands arrive form-encoded
 * (`command=/incident&text=…`), interactivity form-encoded with the JSON in `payload=`, the Events
 * API as JSON.
 */
export interface SignedSlackRequest {
  body: string;
  headers: Record<string, string>;
}

export interface SignOptions {
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Sign with this secret instead (a forged request). */
  secret?: string;
}

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function signSlackRequest(secret: string, body: string, contentType: string, options: SignOptions = {}): SignedSlackRequest {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    body,
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(options.secret ?? secret, timestamp, body),
    },
  };
}

export interface SlashCommandFields {
  text: string;
  user_id: string;
  channel_id: string;
  command?: string;
  response_url?: string;
  user_name?: string;
  channel_name?: string;
}

/** `POST` body of a slash command, every field Slack sends. */
export function slashCommandBody(f: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0001',
    team_domain: 'vigil-test',
    channel_id: f.channel_id,
    channel_name: f.channel_name ?? 'general',
    user_id: f.user_id,
    user_name: f.user_name ?? f.user_id.toLowerCase(),
    command: f.command ?? '/incident',
    text: f.text,
    api_app_id: 'A0001',
    is_enterprise_install: 'false',
    response_url: f.response_url ?? 'https://hooks.slack.com/commands/T0001/1/abc',
    trigger_id: '13345224609.738474920.8088930838d88f008e0',
  }).toString();
}

export interface BlockActionFields {
  userId: string;
  channelId: string;
  actionId: string;
  /** A button's value. */
  value?: string;
  /** A static_select's chosen option value. */
  selectedOption?: string;
  responseUrl?: string;
  messageTs?: string;
}

/** The `block_actions` payload of a click on a message's button or menu. */
export function blockActionsPayload(f: BlockActionFields): Record<string, unknown> {
  const action: Record<string, unknown> = {
    action_id: f.actionId,
    block_id: 'incident_actions',
    action_ts: `${Date.now() / 1000}`,
    ...(f.selectedOption !== undefined
      ? { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'option' }, value: f.selectedOption } }
      : { type: 'button', text: { type: 'plain_text', text: 'button' }, value: f.value }),
  };
  const ts = f.messageTs ?? '1700000000.000100';
  return {
    type: 'block_actions',
    user: { id: f.userId, username: f.userId.toLowerCase(), name: f.userId.toLowerCase(), team_id: 'T0001' },
    api_app_id: 'A0001',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: ts, channel_id: f.channelId, is_ephemeral: false },
    trigger_id: '13345224609.738474920.8088930838d88f008e0',
    team: { id: 'T0001', domain: 'vigil-test' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: f.channelId, name: 'incident' },
    message: { type: 'message', user: 'UBOT', ts, text: 'incident card', bot_id: 'B0001' },
    response_url: f.responseUrl ?? 'https://hooks.slack.com/actions/T0001/1/abc',
    actions: [action],
  };
}

/** Interactivity arrives form-encoded: `payload=<JSON>`. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** An Events API `event_callback` envelope. */
export function eventCallback(event: Record<string, unknown>, eventId = `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`): Record<string, unknown> {
  return {
    token: 'deprecated-verification-token',
    team_id: 'T0001',
    api_app_id: 'A0001',
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: 'T0001', user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: '4-eyJldCI6Im1lc3NhZ2UifQ',
  };
}

/** POSTs a signed request to `<baseUrl>/slack/events`. */
export async function postToSlackEndpoint(
  baseUrl: string,
  secret: string,
  kind: 'form' | 'json',
  body: string,
  options: SignOptions = {},
): Promise<{ status: number; text: string; json: () => Record<string, unknown> }> {
  const signed = signSlackRequest(secret, body, kind === 'form' ? 'application/x-www-form-urlencoded' : 'application/json', options);
  const response = await fetch(`${baseUrl}/slack/events`, { method: 'POST', headers: signed.headers, body: signed.body });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

/** A small client bound to a base URL and secret: `/incident`, clicks and events as Slack sends them. */
export function slackSender(baseUrl: string, secret: string) {
  return {
    command: (f: SlashCommandFields, options?: SignOptions) => postToSlackEndpoint(baseUrl, secret, 'form', slashCommandBody(f), options),
    action: (f: BlockActionFields, options?: SignOptions) => postToSlackEndpoint(baseUrl, secret, 'form', interactionBody(blockActionsPayload(f)), options),
    event: (event: Record<string, unknown>, options?: SignOptions & { eventId?: string }) => postToSlackEndpoint(baseUrl, secret, 'json', JSON.stringify(eventCallback(event, options?.eventId)), options),
  };
}
