import { SensitiveDataRedactor } from '@vigil/redact';

/** Block Kit's limits (https://docs.slack.dev/reference/block-kit). */
export const BLOCK_KIT_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  sectionFields: 10,
  contextText: 3000,
  buttonText: 75,
  buttonValue: 2000,
  optionText: 75,
  optionValue: 150,
  actionsElements: 25,
  /** The top-level `text` of a message (Slack truncates beyond 40k; keep notifications short). */
  messageText: 4000,
  channelName: 80,
  topic: 250,
} as const;

// Defence in depth: ingestion already masked card numbers, tokens and JWTs in telemetry; people
// type text too (titles, notes), and none of it should reach Slack unmasked either.
const redactor = new SensitiveDataRedactor();

export function redactText(text: string): string {
  return redactor.redact(text).text;
}

/** Slack's three control characters in mrkdwn and the top-level `text`; nothing else is escaped. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * At most `max` characters (UTF-16 units, as Slack counts), ending in `…` when cut, never in the
 * middle of an `&amp;`-style entity or a surrogate pair.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  const entity = /&[a-z#0-9]{0,5}$/i.exec(cut);
  if (entity) cut = cut.slice(0, entity.index);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Text from an incident, for a mrkdwn field: masked, escaped, cut to fit. */
export function mrkdwn(text: string, max: number = BLOCK_KIT_LIMITS.sectionText): string {
  return truncate(escapeMrkdwn(redactText(text)), max);
}

/** Text from an incident, for a plain_text field (shown literally, so not escaped): masked, cut to fit. */
export function plain(text: string, max: number): string {
  return truncate(redactText(text), max);
}

/** Numbers as people read them on a card: 4 significant digits, no exponent for everyday sizes. */
export function formatNumber(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  if (value !== 0 && Math.abs(value) < 0.001) return value.toExponential(2);
  const rounded = Number(value.toPrecision(4));
  return Math.abs(rounded) >= 1e15 ? rounded.toExponential(3) : String(rounded);
}

/** `<!date^…>`: Slack shows the time in each reader's own time zone, the ISO text where it cannot. */
export function slackDate(iso: string | null, format = '{date_short_pretty} {time}'): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '—';
  return `<!date^${Math.floor(ms / 1000)}^${format}|${new Date(ms).toISOString().replace('.000Z', 'Z')}>`;
}
