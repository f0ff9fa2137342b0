import type { Logger } from 'pino';
import { DeskRefusal, type DeskIncident, type DeskRole, type IncidentDesk, type SlackActor } from '../incident-desk';
import { SLACK_ACTION_IDS, parseActionValue, selectedSeverity, type ActionValue } from './action-ids';
import { ephemeral, excerpt, inChannel, incidentLabel, incidentLink, incidentStatusText, mrkdwn, openIncidentsText, userMention, VERB, type SlackReply } from './replies';
import { INCIDENT_HELP, parseIncidentCommand, type IncidentCommand } from './slash-command';

/** An open incident as the `status` summary lists it. */
export type OpenIncidentSummary = Pick<DeskIncident, 'number' | 'title' | 'status' | 'severity' | 'services'>;

export interface DeskHandlerOptions {
  desk: IncidentDesk;
  roles: (slackUserId: string) => DeskRole;
  /** The incident whose channel this is (slack_incident_channels), or null. */
  channelIncident: (channelId: string) => Promise<string | null>;
  /** Open incidents, newest first, for `/incident status` outside an incident channel. */
  openIncidents?: () => Promise<OpenIncidentSummary[]>;
  logger: Logger;
}

/** A block action as the handlers need it, whatever element it came from. */
export interface CardAction {
  actionId: string;
  userId: string;
  channelId: string | null;
  /** The button's `value`. */
  value?: string | undefined;
  /** A select menu's chosen option value. */
  selectedOption?: string | undefined;
  blockId?: string | undefined;
  /** `message.metadata.event_payload` of the card, when it carries one. */
  metadata?: Record<string, unknown> | undefined;
}

/** Verbs for the refusal a viewer gets. */
const ACTING: Readonly<Record<string, string>> = {
  declare: 'declaring incidents',
  sev: 'changing severity',
  ack: 'acknowledging',
  mitigate: 'mitigating',
  resolve: 'resolving',
  reopen: 'reopening',
  commander: 'naming the commander',
  note: 'adding notes',
  postmortem: 'drafting the postmortem',
  [SLACK_ACTION_IDS.acknowledge]: 'acknowledging',
  [SLACK_ACTION_IDS.mitigate]: 'mitigating',
  [SLACK_ACTION_IDS.resolve]: 'resolving',
  [SLACK_ACTION_IDS.severity]: 'changing severity',
  [SLACK_ACTION_IDS.runRunbook]: 'running runbooks',
  [SLACK_ACTION_IDS.postmortem]: 'drafting the postmortem',
  [SLACK_ACTION_IDS.approve]: 'approving runbook steps',
  [SLACK_ACTION_IDS.reject]: 'rejecting runbook steps',
};

const INCIDENT_ID_IN_BLOCK = /\b(inc-[A-Za-z0-9_-]+)\b/;

/**
 * What `/incident`, the card's buttons and the incident channel's messages do, in terms of the
 * IncidentDesk port only. Every method answers (never throws): refusals and failures become
 * ephemeral replies, changes in-channel ones.
 */
export class DeskHandlers {
  constructor(private readonly options: DeskHandlerOptions) {}

  actor(slackUserId: string): SlackActor {
    return { slackUserId, name: `slack:${slackUserId}`, role: this.options.roles(slackUserId) };
  }

  /** `/incident <text>` typed by `userId` in `channelId`. */
  async command(text: string, userId: string, channelId: string): Promise<SlackReply> {
    const command = parseIncidentCommand(text);
    return this.answering(`/incident ${command.kind}`, () => this.runCommand(command, this.actor(userId), channelId));
  }

  /** A button or menu on a card. Null: nothing to say (an action this app does not handle). */
  async action(action: CardAction): Promise<SlackReply | null> {
    if (!Object.values(SLACK_ACTION_IDS).includes(action.actionId as never)) return null;
    return this.answering(action.actionId, () => this.runAction(action, this.actor(action.userId)));
  }

  /**
   * A message posted in a channel (already filtered: a person's new message). On the timeline of
   * the channel's incident; other channels are ignored. True when it was recorded.
   */
  async channelMessage(channelId: string, userId: string, text: string, keyEvent: boolean): Promise<boolean> {
    const incidentId = await this.options.channelIncident(channelId);
    if (!incidentId) return false;
    try {
      await this.options.desk.addNote(incidentId, text, this.actor(userId), keyEvent ? { keyEvent: true, source: 'slack_message' } : { source: 'slack_message' });
      return true;
    } catch (error) {
      if (!(error instanceof DeskRefusal)) throw error;
      this.options.logger.info({ incidentId, channelId, kind: error.kind, reason: error.message }, 'slack message not recorded on the timeline');
      return false;
    }
  }

  private async answering(what: string, work: () => Promise<SlackReply>): Promise<SlackReply> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof DeskRefusal) return ephemeral(`:no_entry: ${mrkdwn(error.message)}`);
      this.options.logger.error({ err: error, what }, 'slack request failed');
      return ephemeral(':warning: Vigil could not do that (an internal error, logged). Try again, or use the dashboard.');
    }
  }

  private refuseViewer(actor: SlackActor, what: string): SlackReply | null {
    if (actor.role !== 'viewer') return null;
    return ephemeral(
      `:no_entry: ${ACTING[what] ?? 'this'} needs the responder role; ${userMention(actor.slackUserId)} is a viewer in Vigil. Ask an admin to map your Slack user in \`SLACK_USER_ROLES\`.`,
    );
  }

  /** The incident a command means: `#<number>` if given, else the channel's. */
  private async target(ref: string | null, channelId: string | null): Promise<DeskIncident | SlackReply> {
    if (ref) return (await this.options.desk.get(ref)) ?? ephemeral(`:grey_question: There is no incident #${ref}.`);
    const id = channelId ? await this.options.channelIncident(channelId) : null;
    if (!id) return ephemeral('This is not an incident channel: name the incident, e.g. `/incident ack #42`.');
    return (await this.options.desk.get(id)) ?? ephemeral(':grey_question: The incident of this channel no longer exists.');
  }

  private async runCommand(command: IncidentCommand, actor: SlackActor, channelId: string): Promise<SlackReply> {
    const desk = this.options.desk;
    const who = userMention(actor.slackUserId);
    switch (command.kind) {
      case 'help':
        return ephemeral(command.unknown ? `I don't know \`${mrkdwn(command.unknown)}\`.\n${INCIDENT_HELP}` : INCIDENT_HELP);
      case 'usage':
        return ephemeral(command.message);
      case 'declare': {
        const refused = this.refuseViewer(actor, 'declare');
        if (refused) return refused;
        const incident = await desk.declare({ title: command.title, severity: command.severity, services: command.services }, actor);
        return inChannel(`:rotating_light: ${who} declared incident *${incidentLabel(incident)}* (${incident.severity} · ${incident.services.map(mrkdwn).join(', ')})${incidentLink(incident)}`);
      }
      case 'status': {
        const here = command.ref ? null : await this.options.channelIncident(channelId);
        if (command.ref || here) {
          const incident = await this.target(command.ref ?? `${here}`, null);
          return 'visibility' in incident ? incident : ephemeral(incidentStatusText(incident));
        }
        if (!this.options.openIncidents) return ephemeral('This is not an incident channel: ask for one, e.g. `/incident status #42`.');
        return ephemeral(openIncidentsText(await this.options.openIncidents()));
      }
      default:
        break;
    }
    const refused = this.refuseViewer(actor, command.kind);
    if (refused) return refused;
    const incident = await this.target(command.ref, channelId);
    if ('visibility' in incident) return incident;
    switch (command.kind) {
      case 'ack':
        return this.transitioned(await desk.transition(incident.id, 'acknowledge', actor), 'acknowledge', who);
      case 'mitigate':
        return this.transitioned(await desk.transition(incident.id, 'mitigate', actor), 'mitigate', who);
      case 'reopen':
        return this.transitioned(await desk.transition(incident.id, 'reopen', actor), 'reopen', who);
      case 'resolve': {
        const after = await desk.transition(incident.id, 'resolve', actor, command.note ?? undefined);
        return inChannel(`:white_check_mark: ${who} resolved *${incidentLabel(after)}*${command.note ? `: ${mrkdwn(command.note)}` : ''}`);
      }
      case 'sev': {
        const after = await desk.setSeverity(incident.id, command.severity, actor);
        return inChannel(`${who} set the severity of *${incidentLabel(after)}* to *${after.severity}* (was ${incident.severity})`);
      }
      case 'commander': {
        const after = await desk.setCommander(incident.id, command.commander, actor);
        return inChannel(`${who} named ${mrkdwn(after.commander ?? command.commander)} incident commander of *${incidentLabel(after)}*`);
      }
      case 'note':
        await desk.addNote(incident.id, command.text, actor, { source: 'slash_command' });
        return inChannel(`:memo: ${who} noted on *${incidentLabel(incident)}*: ${mrkdwn(command.text)}`);
      case 'postmortem':
        return this.postmortem(incident, actor);
    }
  }

  private transitioned(after: DeskIncident, transition: keyof typeof VERB, who: string): SlackReply {
    return inChannel(`${who} ${VERB[transition]} *${incidentLabel(after)}* (now ${after.status})`);
  }

  private async postmortem(incident: DeskIncident, actor: SlackActor): Promise<SlackReply> {
    const { markdown, revision } = await this.options.desk.postmortem(incident.id, actor);
    return inChannel(
      `:page_facing_up: ${userMention(actor.slackUserId)} drafted the postmortem of *${incidentLabel(incident)}* (revision ${revision})${incidentLink(incident, 'Edit in Vigil')}\n\`\`\`\n${excerpt(markdown).replace(/```/g, "'''")}\n\`\`\``,
    );
  }

  /** The incident a card element is about: its value, the select option, the block id, the card's metadata, the channel. */
  private async actionIncident(action: CardAction, value: ActionValue | null): Promise<string | null> {
    const fromMetadata = action.metadata?.['incidentId'];
    return (
      value?.incidentId ??
      parseActionValue(action.blockId)?.incidentId ??
      (action.blockId ? INCIDENT_ID_IN_BLOCK.exec(action.blockId)?.[1] : undefined) ??
      (typeof fromMetadata === 'string' ? fromMetadata : undefined) ??
      (action.channelId ? await this.options.channelIncident(action.channelId) : null)
    );
  }

  private async runAction(action: CardAction, actor: SlackActor): Promise<SlackReply> {
    const refused = this.refuseViewer(actor, action.actionId);
    if (refused) return refused;
    const desk = this.options.desk;
    const who = userMention(actor.slackUserId);
    const select = action.actionId === SLACK_ACTION_IDS.severity ? selectedSeverity(action.selectedOption) : null;
    const value = parseActionValue(action.value) ?? select?.value ?? null;

    if (action.actionId === SLACK_ACTION_IDS.approve || action.actionId === SLACK_ACTION_IDS.reject) {
      if (!value?.runId) return ephemeral(':warning: This button does not say which run it is for.');
      const decision = action.actionId === SLACK_ACTION_IDS.approve ? 'approved' : 'rejected';
      const { runbook, step } = await desk.decideApproval(value.runId, decision, actor);
      return inChannel(`${decision === 'approved' ? ':white_check_mark:' : ':x:'} ${who} ${decision} step *${mrkdwn(step)}* of runbook *${mrkdwn(runbook)}*`);
    }

    const incidentId = await this.actionIncident(action, value);
    if (!incidentId) return ephemeral(':warning: This button does not say which incident it is for.');
    switch (action.actionId) {
      case SLACK_ACTION_IDS.acknowledge:
        return this.transitioned(await desk.transition(incidentId, 'acknowledge', actor), 'acknowledge', who);
      case SLACK_ACTION_IDS.mitigate:
        return this.transitioned(await desk.transition(incidentId, 'mitigate', actor), 'mitigate', who);
      case SLACK_ACTION_IDS.resolve:
        return this.transitioned(await desk.transition(incidentId, 'resolve', actor), 'resolve', who);
      case SLACK_ACTION_IDS.severity: {
        if (!select?.severity) return ephemeral(`:warning: \`${mrkdwn(action.selectedOption ?? '')}\` is not a severity.`);
        const after = await desk.setSeverity(incidentId, select.severity, actor);
        return inChannel(`${who} set the severity of *${incidentLabel(after)}* to *${after.severity}*`);
      }
      case SLACK_ACTION_IDS.postmortem: {
        const incident = await desk.get(incidentId);
        if (!incident) return ephemeral(':grey_question: That incident no longer exists.');
        return this.postmortem(incident, actor);
      }
      case SLACK_ACTION_IDS.runRunbook: {
        const runbook = value?.runbook ?? (await desk.get(incidentId))?.suggestedRunbooks[0];
        if (!runbook) return ephemeral(':grey_question: No runbook matches this incident.');
        const run = await desk.runRunbook(incidentId, runbook, actor);
        if (run.blockedGuard) return inChannel(`:octagonal_sign: ${who} asked for runbook *${mrkdwn(runbook)}*; the *${mrkdwn(run.blockedGuard)}* guard blocked it: ${mrkdwn(run.outcome)}`);
        return inChannel(`:gear: ${who} started runbook *${mrkdwn(runbook)}* (run \`${mrkdwn(run.runId)}\`, ${mrkdwn(run.status)})`);
      }
      default:
        return ephemeral(`:warning: Unknown action \`${mrkdwn(action.actionId)}\`.`);
    }
  }
}
