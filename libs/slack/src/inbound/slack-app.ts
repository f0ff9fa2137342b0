import { App, ExpressReceiver, webApi, type AuthorizeResult, type RespondArguments, type RespondFn } from '@slack/bolt';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { DeskRole, IncidentDesk } from '../incident-desk';
import { SLACK_ACTION_IDS } from './action-ids';
import { DeskHandlers, type CardAction, type OpenIncidentSummary } from './desk-handlers';
import type { SlackReply } from './replies';
import { boltLogger } from './slack-logger';
import { unescapeSlackText } from './slash-command';

/** The one request URL of events, slash commands and interactivity. */
export const SLACK_EVENTS_PATH = '/slack/events';
export const INCIDENT_COMMAND = '/incident';
/** Slack gives an app 3 s to answer; work that takes longer answers later (response_url, chat API). */
export const DEFAULT_ANSWER_WITHIN_MS = 2500;
/** Largest request body accepted (Slack's payloads are a few KiB; a block_actions with a big card, tens). */
export const SLACK_MAX_BODY_BYTES = 1024 * 1024;

export interface SlackAppOptions {
  /** SLACK_SIGNING_SECRET: every request's `x-slack-signature` is checked against it (v0, 5-minute window). */
  signingSecret: string;
  /** SLACK_BOT_TOKEN, from configuration only; never logged. */
  botToken: string;
  /** SLACK_API_URL: the Web API base, e.g. `https://slack.com/api/`. */
  apiUrl: string;
  desk: IncidentDesk;
  /** A Slack user's Vigil role (SLACK_USER_ROLES, else SLACK_DEFAULT_ROLE). */
  roles: (slackUserId: string) => DeskRole;
  /** The incident a channel belongs to (`SlackChannelRepository.byChannel`), or null. */
  channelIncident: (channelId: string) => Promise<string | null>;
  /** Open incidents, newest first, for `/incident status` outside an incident channel. */
  openIncidents?: () => Promise<OpenIncidentSummary[]>;
  logger: Logger;
  /** The slash command's name as registered in the Slack app; default `/incident`. */
  command?: string;
  /** How long a request may work before it is acknowledged empty and answered later; default 2500 ms. */
  answerWithinMs?: number;
}

export interface SlackInbound {
  /** The Bolt app (listeners registered); it does not listen itself. */
  readonly app: App;
  readonly receiver: ExpressReceiver;
  /**
   * Express handler of `POST /slack/events` (Bolt's router behind a body size limit): it checks
   * the signature over the raw body, so no body parser may have read the request before it.
   * Other requests go to `next()`.
   */
  readonly handler: RequestHandler;
}

class BodyTooLarge extends Error {}

/** The raw body, refusing more than `limit` bytes (Bolt itself would buffer any size before checking the signature). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const TIMED_OUT = Symbol('timed out');

/** The value of `work`, or TIMED_OUT once `ms` have passed (the work goes on). */
async function within<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Event ids seen lately: Slack retries an event it thinks was lost, and a note must land once. */
class RecentEventIds {
  private readonly ids = new Map<string, Promise<unknown>>();
  constructor(private readonly capacity = 5000) {}

  /** Runs `work` unless the id is being or was handled; a failed attempt lets a retry through. */
  once(id: string | undefined, work: () => Promise<unknown>): Promise<unknown> {
    if (!id) return work();
    const seen = this.ids.get(id);
    if (seen) return seen;
    const running = work().catch((error: unknown) => {
      this.ids.delete(id);
      throw error;
    });
    this.ids.set(id, running);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.keys().next().value as string);
    return running;
  }
}

const toResponse = (reply: SlackReply): RespondArguments & { response_type: SlackReply['visibility'] } => ({ response_type: reply.visibility, text: reply.text });

/** Message subtypes that are a person saying something (not edits, joins, bots, topic changes…). */
const SPOKEN_SUBTYPES = new Set<string | undefined>([undefined, 'thread_broadcast', 'file_share', 'me_message']);

/**
 * Slack's inbound half in HTTP mode: one request URL (`POST /slack/events`) for the Events API,
 * the `/incident` slash command and interactivity (the incident card's buttons), signature
 * checked by Bolt. Everything it does goes through the IncidentDesk port.
 */
export function createSlackApp(options: SlackAppOptions): SlackInbound {
  const logger = options.logger;
  const log = boltLogger(logger);
  const answerWithin = options.answerWithinMs ?? DEFAULT_ANSWER_WITHIN_MS;
  const handlers = new DeskHandlers({
    desk: options.desk,
    roles: options.roles,
    channelIncident: options.channelIncident,
    ...(options.openIncidents ? { openIncidents: options.openIncidents } : {}),
    logger,
  });
  const clientOptions = { slackApiUrl: options.apiUrl, logger: log, retryConfig: { retries: 2, minTimeout: 200, maxTimeout: 1000 } };
  const receiver = new ExpressReceiver({
    signingSecret: options.signingSecret,
    endpoints: SLACK_EVENTS_PATH,
    // The answer (ack body) is written once the listener returns; listeners bound their own time.
    processBeforeResponse: true,
    logger: log,
  });

  // Who the bot is (to ignore its own events), asked lazily: no Slack call at start-up, and a
  // failed auth.test only costs that filter until it is asked again a minute later.
  const identityClient = new webApi.WebClient(options.botToken, { ...clientOptions, retryConfig: { retries: 0 }, timeout: 2000 });
  let identity: { botUserId?: string; botId?: string } | undefined;
  let identityAskedAt = -Infinity;
  const authorize = async (): Promise<AuthorizeResult> => {
    if (!identity && Date.now() - identityAskedAt > 60_000) {
      identityAskedAt = Date.now();
      try {
        const me = await identityClient.auth.test();
        identity = { ...(me.user_id ? { botUserId: me.user_id } : {}), ...(me.bot_id ? { botId: me.bot_id } : {}) };
      } catch (error) {
        logger.warn({ err: { message: (error as Error).message } }, 'Slack auth.test failed; the bot’s own events are filtered by bot_id only until it is retried');
      }
    }
    return { botToken: options.botToken, ...identity };
  };

  const app = new App({ receiver, authorize, logger: log, clientOptions, tokenVerificationEnabled: false });
  const recent = new RecentEventIds();

  /** Answers a button after the ack: refusals to the user alone, changes to the channel. */
  const deliver = async (reply: SlackReply | null, respond: RespondFn | undefined, client: webApi.WebClient, channelId: string | null, userId: string): Promise<void> => {
    if (!reply) return;
    if (respond) {
      await respond({ ...toResponse(reply), replace_original: false });
    } else if (channelId && reply.visibility === 'ephemeral') {
      await client.chat.postEphemeral({ channel: channelId, user: userId, text: reply.text });
    } else {
      await client.chat.postMessage({ channel: channelId ?? userId, text: reply.text });
    }
  };

  const later = (what: string, work: Promise<unknown>): void => {
    work.catch((error: unknown) => logger.error({ err: error, what }, 'slack answer failed'));
  };

  app.command(options.command ?? INCIDENT_COMMAND, async ({ command, ack, respond }) => {
    const work = handlers.command(command.text ?? '', command.user_id, command.channel_id);
    const reply = await within(work, answerWithin);
    if (reply !== TIMED_OUT) return ack(toResponse(reply));
    await ack();
    later('/incident', work.then((r) => respond({ ...toResponse(r), replace_original: false })));
  });

  app.action(new RegExp(`^(${Object.values(SLACK_ACTION_IDS).join('|')})$`), async ({ ack, body, action, respond, client }) => {
    await ack();
    const element = action as unknown as { action_id: string; value?: string; block_id?: string; selected_option?: { value?: string } };
    const interaction = body as unknown as { user: { id: string }; channel?: { id: string }; container?: { channel_id?: string }; message?: { metadata?: { event_payload?: Record<string, unknown> } }; response_url?: string };
    const channelId = interaction.channel?.id ?? interaction.container?.channel_id ?? null;
    const card: CardAction = {
      actionId: element.action_id,
      userId: interaction.user.id,
      channelId,
      value: element.value,
      selectedOption: element.selected_option?.value,
      blockId: element.block_id,
      metadata: interaction.message?.metadata?.event_payload,
    };
    const work = handlers.action(card).then((reply) => deliver(reply, interaction.response_url ? respond : undefined, client, channelId, card.userId));
    if ((await within(work, answerWithin)) === TIMED_OUT) later(card.actionId, work);
  });

  // Any other element (the card's URL button "Open in Vigil" still sends its click): ack, nothing else.
  app.action(new RegExp(`^(?!(${Object.values(SLACK_ACTION_IDS).join('|')})$)`), async ({ ack }) => ack());

  app.event('message', async ({ event, body }) => {
    const message = event as unknown as { subtype?: string; bot_id?: string; user?: string; text?: string; channel?: string; hidden?: boolean };
    if (!SPOKEN_SUBTYPES.has(message.subtype) || message.bot_id || message.hidden || !message.user || !message.channel || !message.text?.trim()) return;
    const { user, channel } = message;
    const text = unescapeSlackText(message.text);
    const work = recent.once((body as { event_id?: string }).event_id, () => handlers.channelMessage(channel, user, text, false));
    if ((await within(work, answerWithin)) === TIMED_OUT) later('message', work);
  });

  app.event('pin_added', async ({ event, body, client }) => {
    const pin = event as unknown as { user?: string; channel_id?: string; item?: { type?: string; channel?: string; message?: { text?: string; ts?: string } } };
    const channel = pin.channel_id ?? pin.item?.channel;
    if (!pin.user || !channel || (pin.item?.type && pin.item.type !== 'message')) return;
    const user = pin.user;
    const work = recent.once((body as { event_id?: string }).event_id, async () => {
      let text = pin.item?.message?.text;
      const ts = pin.item?.message?.ts;
      if (!text?.trim() && ts) {
        // Not every pin_added carries the message: read it (channels:history).
        const history = await client.conversations.history({ channel, latest: ts, inclusive: true, limit: 1 });
        text = history.messages?.[0]?.text;
      }
      if (!text?.trim()) return false;
      return handlers.channelMessage(channel, user, unescapeSlackText(text), true);
    });
    if ((await within(work, answerWithin)) === TIMED_OUT) later('pin_added', work);
  });

  const handler: RequestHandler = (req, res, next) => {
    if (req.method !== 'POST') return receiver.router(req, res, next);
    readBody(req, SLACK_MAX_BODY_BYTES).then(
      (raw) => {
        // Bolt reads `rawBody` when a body was already taken from the stream.
        (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
        receiver.router(req, res, next);
      },
      (error: unknown) => {
        if (res.headersSent) return;
        if (error instanceof BodyTooLarge) res.status(413).json({ statusCode: 413, error: 'Payload Too Large', message: `Slack requests are limited to ${SLACK_MAX_BODY_BYTES} bytes` });
        else res.status(400).json({ statusCode: 400, error: 'Bad Request', message: 'the request body could not be read' });
      },
    );
  };
  return { app, receiver, handler };
}
