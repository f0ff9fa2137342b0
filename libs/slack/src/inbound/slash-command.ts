import type { DeskIncident } from '../incident-desk';

export type Severity = DeskIncident['severity'];

/**
 * What `/incident <text>` asks for. `ref` is the incident named by a leading `#<number>` argument;
 * null means "the incident of this channel".
 */
export type IncidentCommand =
  | { kind: 'help'; unknown: string | null }
  | { kind: 'usage'; message: string }
  | { kind: 'declare'; title: string; severity: Severity; services: string[] }
  | { kind: 'status'; ref: string | null }
  | { kind: 'sev'; ref: string | null; severity: Severity }
  | { kind: 'ack'; ref: string | null }
  | { kind: 'mitigate'; ref: string | null }
  | { kind: 'resolve'; ref: string | null; note: string | null }
  | { kind: 'reopen'; ref: string | null }
  | { kind: 'commander'; ref: string | null; commander: string }
  | { kind: 'note'; ref: string | null; text: string }
  | { kind: 'postmortem'; ref: string | null };

export const DEFAULT_DECLARE_SEVERITY: Severity = 'sev3';
/** Services of a declared incident that named none. */
export const UNKNOWN_SERVICE = 'unknown';

export const INCIDENT_HELP = [
  '*`/incident` — run an incident from Slack*',
  '`/incident declare <title> [--service a,b] [--sev 1-4]` declare an incident (sev3 unless told)',
  '`/incident status` this channel’s incident (elsewhere: the open incidents)',
  '`/incident ack` · `mitigate` · `resolve [note]` · `reopen` move it along',
  '`/incident sev <1-4>` change its severity',
  '`/incident commander @user` name the incident commander',
  '`/incident note <text>` add a note to the timeline',
  '`/incident postmortem` draft the postmortem',
  'Outside an incident channel, name the incident first: `/incident ack #42`.',
].join('\n');

/** Slack sends `&`, `<` and `>` escaped in free text; the timeline stores what the user typed. */
export function unescapeSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** `1`, `sev1`, `SEV1` → `sev1`; anything else null. */
export function parseSeverity(word: string | undefined): Severity | null {
  const m = /^(?:sev)?([1-4])$/i.exec((word ?? '').trim());
  return m ? (`sev${m[1]}` as Severity) : null;
}

/** `<@U123>` and `<@U123|alice>` → `<@U123>` (how Slack renders a mention); other text as typed. */
export function normalizeMention(text: string): string {
  const m = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(text.trim());
  return m ? `<@${m[1]}>` : unescapeSlackText(text.trim());
}

const REF = /^#(\d{1,9})$/;

/** Splits off a leading `#<number>` argument. */
function takeRef(rest: string): { ref: string | null; rest: string } {
  const [first] = rest.split(/\s+/).filter(Boolean);
  const m = first ? REF.exec(first) : null;
  if (!m) return { ref: null, rest };
  return { ref: m[1]!, rest: rest.trimStart().slice(first!.length).trim() };
}

function parseDeclare(rest: string): IncidentCommand {
  const words = rest.split(/\s+/).filter(Boolean);
  const title: string[] = [];
  const services: string[] = [];
  let severity: Severity = DEFAULT_DECLARE_SEVERITY;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const flag = /^(?:--|—)(service|services|sev|severity)(?:=(.*))?$/i.exec(word);
    if (!flag) {
      title.push(word);
      continue;
    }
    const value = flag[2] ?? words[++i];
    if (value === undefined || value === '') return { kind: 'usage', message: `\`--${flag[1]}\` needs a value. ${DECLARE_USAGE}` };
    if (flag[1]!.toLowerCase().startsWith('sev')) {
      const parsed = parseSeverity(value);
      if (!parsed) return { kind: 'usage', message: `\`${value}\` is not a severity: use 1, 2, 3 or 4. ${DECLARE_USAGE}` };
      severity = parsed;
    } else {
      for (const s of value.split(',').map((v) => v.trim()).filter(Boolean)) if (!services.includes(s)) services.push(s);
    }
  }
  const text = unescapeSlackText(title.join(' ')).trim();
  if (!text) return { kind: 'usage', message: `An incident needs a title. ${DECLARE_USAGE}` };
  return { kind: 'declare', title: text, severity, services: services.length > 0 ? services : [UNKNOWN_SERVICE] };
}

const DECLARE_USAGE = 'Usage: `/incident declare <title> [--service a,b] [--sev 1-4]`';

/** Parses the text after `/incident`. Unknown or empty sub-commands are `help`. */
export function parseIncidentCommand(text: string): IncidentCommand {
  const trimmed = (text ?? '').trim();
  const space = trimmed.search(/\s/);
  const word = (space < 0 ? trimmed : trimmed.slice(0, space)).toLowerCase();
  const after = space < 0 ? '' : trimmed.slice(space).trim();
  if (word === '' || word === 'help') return { kind: 'help', unknown: null };
  if (word === 'declare' || word === 'new' || word === 'open') return parseDeclare(after);
  const { ref, rest } = takeRef(after);
  switch (word) {
    case 'status':
      return { kind: 'status', ref };
    case 'sev':
    case 'severity': {
      const severity = parseSeverity(rest.split(/\s+/)[0]);
      if (!severity || rest.split(/\s+/).filter(Boolean).length !== 1) return { kind: 'usage', message: 'Usage: `/incident sev <1-4>` (e.g. `/incident sev 1`)' };
      return { kind: 'sev', ref, severity };
    }
    case 'ack':
    case 'acknowledge':
      return { kind: 'ack', ref };
    case 'mitigate':
    case 'mitigated':
      return { kind: 'mitigate', ref };
    case 'resolve':
    case 'resolved':
      return { kind: 'resolve', ref, note: rest ? unescapeSlackText(rest) : null };
    case 'reopen':
      return { kind: 'reopen', ref };
    case 'commander':
    case 'ic': {
      if (!rest || rest.split(/\s+/).length !== 1) return { kind: 'usage', message: 'Usage: `/incident commander @user`' };
      return { kind: 'commander', ref, commander: normalizeMention(rest) };
    }
    case 'note':
      if (!rest) return { kind: 'usage', message: 'Usage: `/incident note <text>`' };
      return { kind: 'note', ref, text: unescapeSlackText(rest) };
    case 'postmortem':
    case 'pm':
      return { kind: 'postmortem', ref };
    default:
      return { kind: 'help', unknown: word };
  }
}
