import { formatDuration } from './format-duration';
import type { IncidentDurations } from './incident-durations';
import { byTime, codeCell, inlineCode, inlineText, NONE, oneLine, table, utc } from './markdown';
import type { PostmortemInput } from './postmortem-input';

/**
 * The block placeholders: ready-made markdown for the parts of a postmortem nobody should have to
 * type. Each says plainly when there is nothing to show, so an empty section reads as a fact about
 * the incident, not as a broken template.
 */

const nothing = (what: string): string => `_No ${what} recorded._`;

export function servicesBlock(services: readonly string[]): string {
  return services.length === 0 ? NONE : services.map(inlineCode).join(', ');
}

export function timelineBlock(timeline: PostmortemInput['timeline']): string {
  if (timeline.length === 0) return nothing('timeline entries');
  const rows = byTime(timeline, (e) => e.atMs).map((e) => {
    const type = inlineText(e.type);
    const text = inlineText(e.text);
    return [utc(e.atMs), inlineText(e.actor), type === '' ? text : `**${type}** ${text}`.trim()];
  });
  return table(['Time (UTC)', 'Actor', 'Event'], rows);
}

export function actionsBlock(actions: PostmortemInput['actions']): string {
  if (actions.length === 0) return nothing('actions');
  const rows = byTime(actions, (a) => a.atMs).map((a) => [
    utc(a.atMs),
    inlineText(a.actor),
    inlineText(a.action),
    codeCell(a.target),
    a.outcome,
    inlineText(a.detail),
  ]);
  return table(['Time (UTC)', 'Actor', 'Action', 'Target', 'Outcome', 'Detail'], rows);
}

/** Best first; hints of equal score keep the ranker's order. */
export function rankedHints(hints: PostmortemInput['rootCauseHints']): PostmortemInput['rootCauseHints'] {
  return hints
    .map((hint, index) => ({ hint, index }))
    .sort((a, b) => b.hint.score - a.hint.score || a.index - b.index)
    .map(({ hint }) => hint);
}

export function rootCausesBlock(hints: PostmortemInput['rootCauseHints']): string {
  if (hints.length === 0) return '_Vigil ranked no candidate cause for this incident._';
  return rankedHints(hints)
    .map((h, i) => {
      const summary = oneLine(h.summary);
      return `${i + 1}. ${inlineCode(h.service)} ${inlineCode(h.signal)} (score ${h.score.toFixed(2)})${summary === '' ? '' : ` — ${summary}`}`;
    })
    .join('\n');
}

export function anomaliesBlock(anomalies: PostmortemInput['anomalies']): string {
  if (anomalies.length === 0) return nothing('anomalies');
  const rows = byTime(anomalies, (a) => a.firstAtMs).map((a) => [
    utc(a.firstAtMs),
    codeCell(a.service),
    codeCell(a.signal),
    inlineText(a.kind),
    a.peakScore.toFixed(2),
    inlineText(a.summary),
  ]);
  return table(['First seen (UTC)', 'Service', 'Signal', 'Kind', 'Peak score', 'Summary'], rows);
}

/**
 * A bullet per note, in time order. Notes are free text written during the incident, so their
 * line breaks are kept: continuation lines are indented to stay inside their bullet.
 */
export function notesBlock(notes: PostmortemInput['notes']): string {
  if (notes.length === 0) return nothing('notes');
  return byTime(notes, (n) => n.atMs)
    .map((n) => {
      const lines = n.text.replace(/\r\n?/g, '\n').trim().split('\n').map((l) => l.trimEnd());
      const [first = '', ...rest] = lines;
      const continuation = rest.map((l) => (l === '' ? '' : `  ${l}`));
      return [`- ${utc(n.atMs)} **${inlineText(n.actor)}**: ${first}`.trimEnd(), ...continuation].join('\n');
    })
    .join('\n');
}

export function durationsBlock(d: IncidentDurations): string {
  const value = (ms: number | null): string => (ms === null ? NONE : formatDuration(ms));
  return table(
    ['Measure', 'From → to', 'Duration'],
    [
      ['Time to detect (TTD)', 'impact start → detected', value(d.timeToDetectMs)],
      ['Time to acknowledge (TTA)', 'detected → acknowledged', value(d.timeToAcknowledgeMs)],
      ['Time to mitigate (TTM)', 'detected → mitigated', value(d.timeToMitigateMs)],
      ['Time to resolve (TTR)', 'detected → resolved', value(d.timeToResolveMs)],
    ],
  );
}
