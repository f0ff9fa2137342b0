import type { DeskIncident } from '../incident-desk';

/** What a handler answers: only the user sees an ephemeral reply; in_channel is for state changes. */
export interface SlackReply {
  visibility: 'ephemeral' | 'in_channel';
  text: string;
}

export const ephemeral = (text: string): SlackReply => ({ visibility: 'ephemeral', text });
export const inChannel = (text: string): SlackReply => ({ visibility: 'in_channel', text });

/** Escapes text for mrkdwn (`&`, `<`, `>`), leaving user and channel mentions alone. */
export function mrkdwn(text: string): string {
  return text
    .split(/(<[@#!][^<>\s]+>)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('');
}

export const userMention = (slackUserId: string): string => `<@${slackUserId}>`;

export const incidentLabel = (i: Pick<DeskIncident, 'number' | 'title'>): string => `#${i.number} ${mrkdwn(i.title)}`;

const link = (i: Pick<DeskIncident, 'dashboardUrl'>, label = 'Open in Vigil'): string => (i.dashboardUrl ? ` · <${i.dashboardUrl}|${label}>` : '');

/** One incident in a few lines: status, severity, services, commander, what needs a human. */
export function incidentStatusText(i: DeskIncident): string {
  const lines = [
    `*${incidentLabel(i)}* — ${i.status} · ${i.severity} · ${i.services.map(mrkdwn).join(', ') || 'no services'}${link(i)}`,
    `Opened ${i.openedAt}${i.acknowledgedAt ? `, acknowledged ${i.acknowledgedAt}` : ''}${i.mitigatedAt ? `, mitigated ${i.mitigatedAt}` : ''}${i.resolvedAt ? `, resolved ${i.resolvedAt}` : ''}`,
    `Commander: ${i.commander ? mrkdwn(i.commander) : 'nobody yet (`/incident commander @user`)'}`,
  ];
  const hint = i.rootCauseHints[0];
  if (hint) lines.push(`Likely root cause: ${mrkdwn(hint.service)} ${mrkdwn(hint.signal)}`);
  for (const s of i.signals.slice(0, 3)) lines.push(`• ${mrkdwn(s.service)}: ${mrkdwn(s.summary || s.signal)}${s.recovered ? ' (recovered)' : ''}`);
  for (const a of i.pendingApprovals) lines.push(`:hourglass: runbook *${mrkdwn(a.runbook)}* waits for approval of step *${mrkdwn(a.step)}* (${a.roles.join(' or ')})`);
  if (i.suggestedRunbooks.length > 0) lines.push(`Suggested runbooks: ${i.suggestedRunbooks.map(mrkdwn).join(', ')}`);
  return lines.join('\n');
}

/** The open incidents, most recent first. */
export function openIncidentsText(incidents: readonly Pick<DeskIncident, 'number' | 'title' | 'status' | 'severity' | 'services'>[]): string {
  if (incidents.length === 0) return 'No open incidents. :white_check_mark:';
  return [
    `*${incidents.length} open incident${incidents.length === 1 ? '' : 's'}*`,
    ...incidents.map((i) => `• ${i.severity} *${incidentLabel(i)}* — ${i.status} · ${i.services.map(mrkdwn).join(', ')}`),
    'Details: `/incident status #<number>`',
  ].join('\n');
}

export const VERB: Readonly<Record<'acknowledge' | 'mitigate' | 'resolve' | 'reopen', string>> = {
  acknowledge: 'acknowledged',
  mitigate: 'marked mitigated',
  resolve: 'resolved',
  reopen: 'reopened',
};

/** Slack caps a message's text at 40,000 characters; a postmortem preview stays far below. */
export function excerpt(markdown: string, max = 2500): string {
  return markdown.length <= max ? markdown : `${markdown.slice(0, max).replace(/\n[^\n]*$/, '')}\n…`;
}

export const incidentLink = link;
