import { Module, type DynamicModule } from '@nestjs/common';
import { createSlackApp, type DeskRole, type IncidentDesk, type SlackInbound } from '@vigil/slack';
import { IncidentRepository, SlackChannelRepository, type Database } from '@vigil/store';
import pino, { type Logger } from 'pino';
import { PostmortemTemplates } from '../postmortems/postmortem-templates';
import type { RunbookSource } from '../runbooks/runbook-source';
import { createApiIncidentDesk } from './api-incident-desk';
import { SLACK_INBOUND, SlackEventsController } from './slack-events.controller';

/** `POST /slack/events`; `ApiModule` imports it only with SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET set. */
export interface SlackEventsOptions {
  /** SLACK_SIGNING_SECRET. */
  signingSecret: string;
  /** SLACK_BOT_TOKEN. */
  botToken: string;
  /** SLACK_API_URL. */
  apiUrl: string;
  /** A Slack user's role: SLACK_USER_ROLES, else SLACK_DEFAULT_ROLE. */
  roles: (slackUserId: string) => DeskRole;
  /** Where the dashboard is reachable (links in replies). */
  publicUrl: string;
  /** The desk Slack acts through; default: `createApiIncidentDesk` over this API's database, runbooks and templates. */
  desk?: IncidentDesk;
  /** The slash command as registered in the Slack app; default `/incident`. */
  command?: string;
}

/** Open incidents listed by `/incident status` outside an incident channel. */
const OPEN_LISTED = 20;

export function slackInbound(options: SlackEventsOptions, deps: { db: Database; runbooks?: RunbookSource | undefined; postmortemTemplatesDir?: string | undefined; logger?: Logger | undefined }): SlackInbound {
  const desk =
    options.desk ??
    createApiIncidentDesk(deps.db, {
      publicUrl: options.publicUrl,
      ...(deps.runbooks ? { runbooks: deps.runbooks } : {}),
      postmortemTemplates: new PostmortemTemplates(deps.postmortemTemplatesDir ?? 'templates/postmortems'),
    });
  const channels = new SlackChannelRepository(deps.db);
  const incidents = new IncidentRepository(deps.db);
  return createSlackApp({
    signingSecret: options.signingSecret,
    botToken: options.botToken,
    apiUrl: options.apiUrl,
    desk,
    roles: options.roles,
    channelIncident: async (channelId) => (await channels.byChannel(channelId))?.incidentId ?? null,
    openIncidents: async () => (await incidents.list({ status: 'open', limit: OPEN_LISTED })).items,
    logger: deps.logger ?? pino({ level: 'silent' }),
    ...(options.command ? { command: options.command } : {}),
  });
}

@Module({})
export class SlackEventsModule {
  static forRoot(inbound: SlackInbound): DynamicModule {
    return {
      module: SlackEventsModule,
      controllers: [SlackEventsController],
      providers: [{ provide: SLACK_INBOUND, useValue: inbound }],
    };
  }
}
