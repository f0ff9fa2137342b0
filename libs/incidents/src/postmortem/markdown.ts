/**
 * The few markdown rules user text needs so it can never break the structure around it. Text from
 * incidents (titles, notes, log lines) is data: it may contain pipes, newlines, backticks or
 * `{{…}}`, and must come out as the same characters, not as table columns or placeholders.
 */

/** Absent values render as an em dash, everywhere, so a reader sees "not (yet)" rather than a blank. */
export const NONE = '—';

/** One line: newlines and runs of whitespace become single spaces (a newline would end a table row or heading). */
export const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * Escapes pipes so they stay text inside a table cell (and anywhere else: `\|` renders `|` in
 * CommonMark). Backslashes right before a pipe are doubled first, or `\|` in the text would turn
 * into `\\|` — an escaped backslash followed by a live column separator.
 */
export const escapePipes = (text: string): string => text.replace(/(\\*)\|/g, (_, slashes: string) => `${slashes}${slashes}\\|`);

/** Safe single-line text: for scalars and table cells. */
export const inlineText = (text: string): string => escapePipes(oneLine(text));

/**
 * A code span that survives backticks in its content (CommonMark: a longer fence, padded). Pipes
 * are left alone — inside a code span `\|` would show its backslash outside tables; use
 * {@link codeCell} in a table.
 */
export function inlineCode(text: string): string {
  const content = oneLine(text);
  if (content === '') return NONE;
  const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = longestRun > 0 ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/** A code span inside a table cell: GFM splits rows on pipes before it sees code spans. */
export const codeCell = (text: string): string => escapePipes(inlineCode(text));

/** A GFM table; cells must already be inline markdown (see {@link inlineText}). */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => (c === '' ? ' ' : c)).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Instants as ISO 8601 UTC to the second: what responders paste into tickets and log queries. */
export const utc = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

export const utcOrNone = (ms: number | null): string => (ms === null ? NONE : utc(ms));

/** Stable by time: entries at the same instant keep the order they were recorded in. */
export const byTime = <T>(items: readonly T[], timeOf: (item: T) => number): T[] =>
  items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => timeOf(a.item) - timeOf(b.item) || a.index - b.index)
    .map(({ item }) => item);
