import type { DeskIncident } from '../incident-desk';
import { SLACK_ACTION_IDS } from '../inbound/action-ids';
import type { ButtonElement, SlackBlock, SlackMessage, StaticSelectElement } from './blocks';
import { BLOCK_KIT_LIMITS as L, formatNumber, mrkdwn, plain, slackDate } from './text';

/** The dashboard link button: a URL button, but Slack still sends its click (ack it, nothing else). */
export const DASHBOARD_ACTION_ID = 'incident_open_dashboard';

export const CARD_LIMITS = { anomalies: 5, rootCauseHints: 3, similar: 3, approvals: 10 } as const;

const SEVERITIES: DeskIncident['severity'][] = ['sev1', 'sev2', 'sev3', 'sev4'];
const SEVERITY_LABEL: Record<DeskIncident['severity'], string> = {
  sev1: ':red_circle: sev1',
  sev2: ':large_orange_circle: sev2',
  sev3: ':large_yellow_circle: sev3',
  sev4: ':white_circle: sev4',
};
export const STATUS_LABEL: Record<DeskIncident['status'], string> = {
  triggered: 'Triggered',
  acknowledged: 'Acknowledged',
  mitigated: 'Mitigated',
  resolved: 'Resolved',
};

/** A button's `value`: JSON naming what it acts on (the inbound half parses it). */
export function actionValue(value: { incidentId: string; runId?: string; runbook?: string }): string {
  return JSON.stringify(value);
}

const button = (actionId: string, text: string, value: string, style?: 'primary' | 'danger'): ButtonElement | null =>
  value.length > L.buttonValue ? null : { type: 'button', action_id: actionId, text: { type: 'plain_text', text: plain(text, L.buttonText) }, value, ...(style ? { style } : {}) };

const lines = (items: string[], max: number): string => {
  // Whole lines only: a list cut in the middle of an item reads as wrong data.
  const out: string[] = [];
  let length = 0;
  for (const item of items) {
    if (length + item.length + 1 > max) break;
    out.push(item);
    length += item.length + 1;
  }
  return out.join('\n') || (items[0] ?? '').slice(0, max);
};

const section = (title: string, items: string[]): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text: lines([`*${title}*`, ...items], L.sectionText) } });

function severityOption(incidentId: string, severity: DeskIncident['severity']) {
  const json = JSON.stringify({ incidentId, severity });
  return { text: { type: 'plain_text' as const, text: severity }, value: json.length <= L.optionValue ? json : severity };
}

/**
 * The incident card: posted once in the incident's channel, then updated in place on every change.
 * Everything from the incident is masked, escaped and cut to Block Kit's limits; buttons carry
 * JSON values naming the incident (and run / runbook) they act on.
 */
export function incidentCard(incident: DeskIncident): SlackMessage {
  const blocks: SlackBlock[] = [];
  const id = incident.id;
  const status = STATUS_LABEL[incident.status] ?? incident.status;
  const services = incident.services.length > 0 ? incident.services.join(', ') : '—';

  blocks.push({ type: 'header', block_id: 'incident_header', text: { type: 'plain_text', text: plain(`#${incident.number} ${incident.title}`, L.headerText), emoji: false } });
  blocks.push({
    type: 'section',
    block_id: 'incident_fields',
    fields: [
      { type: 'mrkdwn', text: `*Severity*\n${SEVERITY_LABEL[incident.severity] ?? mrkdwn(incident.severity, 20)}` },
      { type: 'mrkdwn', text: `*Status*\n${status}` },
      { type: 'mrkdwn', text: `*Affected services*\n${mrkdwn(services, L.fieldText - 25)}` },
      { type: 'mrkdwn', text: `*Commander*\n${incident.commander ? mrkdwn(incident.commander, L.fieldText - 20) : '—'}` },
      { type: 'mrkdwn', text: `*Opened*\n${slackDate(incident.openedAt)}` },
      ...(incident.resolvedAt ? [{ type: 'mrkdwn' as const, text: `*Resolved*\n${slackDate(incident.resolvedAt)}` }] : []),
    ],
  });

  if (incident.signals.length > 0) {
    blocks.push(
      section(
        'Top anomalies',
        incident.signals.slice(0, CARD_LIMITS.anomalies).map((s) => {
          const head = `${s.recovered ? ':white_check_mark:' : ':small_red_triangle:'} *${mrkdwn(s.service, 200)}* ${mrkdwn(s.signal, 300)} (${mrkdwn(s.kind, 50)})`;
          const values = `observed *${formatNumber(s.observed)}* vs expected ${formatNumber(s.expected)}`;
          return `${head}: ${values}${s.summary ? ` — ${mrkdwn(s.summary, 300)}` : ''}`;
        }),
      ),
    );
  }
  if (incident.rootCauseHints.length > 0) {
    blocks.push(
      section(
        'Root-cause hints',
        incident.rootCauseHints.slice(0, CARD_LIMITS.rootCauseHints).map((h, i) => `${i + 1}. *${mrkdwn(h.service, 200)}* ${mrkdwn(h.signal, 300)} — score ${formatNumber(h.score)}`),
      ),
    );
  }
  if (incident.similar.length > 0) {
    blocks.push(
      section(
        'Similar past incidents',
        incident.similar.slice(0, CARD_LIMITS.similar).map((s) => {
          const fix = [s.fixedBy.length > 0 ? `fixed by ${s.fixedBy.map((f) => `\`${mrkdwn(f, 100)}\``).join(', ')}` : '', s.resolution ? mrkdwn(s.resolution, 300) : ''].filter(Boolean).join('; ');
          return `• #${s.number} ${mrkdwn(s.title, 200)} (${Math.round(s.similarity * 100)}% similar)${fix ? ` — ${fix}` : ''}`;
        }),
      ),
    );
  }
  const suggested = incident.suggestedRunbooks[0];
  if (suggested) {
    const others = incident.suggestedRunbooks.slice(1, 4);
    blocks.push({
      type: 'section',
      block_id: 'incident_runbook',
      text: { type: 'mrkdwn', text: mrkdwn(`*Suggested runbook:* \`${suggested}\`${others.length > 0 ? ` (also matching: ${others.join(', ')})` : ''}`) },
    });
  }

  const approvals = incident.pendingApprovals.slice(0, CARD_LIMITS.approvals);
  approvals.forEach((a, i) => {
    blocks.push({
      type: 'section',
      block_id: `approval_${i}`,
      text: { type: 'mrkdwn', text: `:raised_hand: *Approval needed* — runbook \`${mrkdwn(a.runbook, 200)}\`, step \`${mrkdwn(a.step, 200)}\`${a.roles.length > 0 ? ` (${mrkdwn(a.roles.join(' or '), 100)})` : ''}` },
    });
    const value = actionValue({ incidentId: id, runId: a.runId });
    const elements = [button(SLACK_ACTION_IDS.approve, 'Approve', value, 'primary'), button(SLACK_ACTION_IDS.reject, 'Reject', value, 'danger')].filter((b): b is ButtonElement => b !== null);
    if (elements.length > 0) blocks.push({ type: 'actions', block_id: `approval_actions_${i}`, elements });
  });
  if (incident.pendingApprovals.length > approvals.length) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${incident.pendingApprovals.length - approvals.length} more approvals on the dashboard` }] });
  }

  const value = actionValue({ incidentId: id });
  const elements: (ButtonElement | StaticSelectElement | null)[] = [];
  if (incident.status === 'triggered') elements.push(button(SLACK_ACTION_IDS.acknowledge, 'Acknowledge', value, 'primary'));
  if (incident.status === 'triggered' || incident.status === 'acknowledged') elements.push(button(SLACK_ACTION_IDS.mitigate, 'Mitigated', value));
  if (incident.status !== 'resolved') elements.push(button(SLACK_ACTION_IDS.resolve, 'Resolve', value));
  const current = severityOption(id, incident.severity);
  elements.push({
    type: 'static_select',
    action_id: SLACK_ACTION_IDS.severity,
    placeholder: { type: 'plain_text', text: 'Change severity' },
    options: SEVERITIES.map((s) => severityOption(id, s)),
    ...(SEVERITIES.includes(incident.severity) ? { initial_option: current } : {}),
  });
  if (suggested && incident.status !== 'resolved') elements.push(button(SLACK_ACTION_IDS.runRunbook, `Run ${suggested}`, actionValue({ incidentId: id, runbook: suggested })));
  elements.push(button(SLACK_ACTION_IDS.postmortem, 'Generate postmortem', value));
  if (/^https?:\/\//.test(incident.dashboardUrl) && incident.dashboardUrl.length <= 3000) {
    elements.push({ type: 'button', action_id: DASHBOARD_ACTION_ID, text: { type: 'plain_text', text: 'Open in Vigil' }, url: incident.dashboardUrl, value });
  }
  blocks.push({ type: 'actions', block_id: 'incident_actions', elements: elements.filter((e): e is ButtonElement | StaticSelectElement => e !== null).slice(0, L.actionsElements) });
  blocks.push({ type: 'context', block_id: 'incident_context', elements: [{ type: 'mrkdwn', text: `Vigil incident \`${mrkdwn(id, 200)}\` · updated on every change` }] });

  return {
    text: mrkdwn(`#${incident.number} ${incident.title} — ${incident.severity}, ${status} (${services})`, L.messageText),
    blocks: fitBlocks(blocks),
  };
}

/** At most 50 blocks: drops approvals from the end first (the dashboard lists them all), keeping the actions. */
function fitBlocks(blocks: SlackBlock[]): SlackBlock[] {
  if (blocks.length <= L.blocks) return blocks;
  const tail = blocks.slice(-2);
  return [...blocks.slice(0, L.blocks - 2), ...tail];
}
