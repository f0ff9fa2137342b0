import type { RootCauseHint } from '@vigil/incidents';

/**
 * A title a responder can read in a notification: where it most likely started and what went
 * wrong there, plus how far it spread. Summaries read `label = value (expected …)`: keep the label.
 */
export function incidentTitle(hints: readonly RootCauseHint[], services: readonly string[]): string {
  const top = hints[0];
  if (!top) return `Incident in ${services.join(', ') || 'unknown service'}`;
  const what = top.evidence.summary.split(/ = | \(expected/)[0]?.trim() || top.signal;
  const more = services.length - 1;
  const title = `${top.service}: ${what}${more > 0 ? ` (+${more} service${more === 1 ? '' : 's'})` : ''}`;
  return title.length > 200 ? `${title.slice(0, 199)}…` : title;
}
