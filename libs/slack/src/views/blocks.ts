/** The few Block Kit shapes Vigil sends (https://docs.slack.dev/reference/block-kit/blocks). */
export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

export interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
}

export interface ButtonElement {
  type: 'button';
  action_id: string;
  text: PlainText;
  value?: string;
  url?: string;
  style?: 'primary' | 'danger';
}

export interface SelectOption {
  text: PlainText;
  value: string;
}

export interface StaticSelectElement {
  type: 'static_select';
  action_id: string;
  placeholder: PlainText;
  options: SelectOption[];
  initial_option?: SelectOption;
}

export type SlackBlock =
  | { type: 'header'; block_id?: string; text: PlainText }
  | { type: 'section'; block_id?: string; text?: MrkdwnText; fields?: MrkdwnText[] }
  | { type: 'context'; block_id?: string; elements: MrkdwnText[] }
  | { type: 'divider'; block_id?: string }
  | { type: 'actions'; block_id?: string; elements: (ButtonElement | StaticSelectElement)[] };

/** What chat.postMessage / chat.update take: `text` is the notification and screen-reader fallback. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}
