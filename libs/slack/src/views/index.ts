export type { ButtonElement, MrkdwnText, PlainText, SelectOption, SlackBlock, SlackMessage, StaticSelectElement } from './blocks';
export { CARD_LIMITS, DASHBOARD_ACTION_ID, STATUS_LABEL, actionValue, incidentCard } from './incident-card';
export { timelineMessage } from './timeline-message';
export type { TimelineMessageEntry } from './timeline-message';
export { channelNameFor, channelTopicFor } from './channel-name';
export { BLOCK_KIT_LIMITS, escapeMrkdwn, formatNumber, mrkdwn, plain, redactText, slackDate, truncate } from './text';
