import type { SlackMessage } from './blocks';
import { BLOCK_KIT_LIMITS as L, mrkdwn, slackDate } from './text';

/** A timeline entry as the thread shows it (StoredTimelineEntry from libs/store fits). */
export interface TimelineMessageEntry {
  type: string;
  actor: string;
  text: string;
  atMs: number;
}

const EMOJI: Record<string, string> = {
  opened: ':rotating_light:',
  declared: ':rotating_light:',
  signal_joined: ':heavy_plus_sign:',
  signal_recovered: ':chart_with_downwards_trend:',
  acknowledged: ':eyes:',
  mitigated: ':adhesive_bandage:',
  resolved: ':white_check_mark:',
  reopened: ':arrows_counterclockwise:',
  severity_changed: ':warning:',
  commander_changed: ':bust_in_silhouette:',
  note: ':memo:',
  key_event: ':pushpin:',
  merged: ':twisted_rightwards_arrows:',
  merged_in: ':twisted_rightwards_arrows:',
  postmortem: ':page_facing_up:',
  run_started: ':gear:',
  run_blocked: ':no_entry:',
  action: ':hammer_and_wrench:',
};

/** One timeline entry as a reply in the card's thread: what happened, who, when. */
export function timelineMessage(entry: TimelineMessageEntry): SlackMessage {
  const emoji = EMOJI[entry.type] ?? ':small_blue_diamond:';
  const text = mrkdwn(entry.text || entry.type, L.sectionText - emoji.length - 1);
  return {
    text: mrkdwn(entry.text || entry.type, L.messageText),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${emoji} ${text}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `${mrkdwn(entry.actor, 200)} · ${mrkdwn(entry.type, 100)} · ${slackDate(new Date(entry.atMs).toISOString())}` }] },
    ],
  };
}
