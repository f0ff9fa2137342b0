import { placeholderValues } from './placeholder-values';
import type { PostmortemInput } from './postmortem-input';
import type { PostmortemTemplate } from './postmortem-template';

/**
 * Fills a parsed template with an incident's facts, in one pass over its segments. Substituted
 * text is appended, never scanned again, so a note or a log line that contains `{{title}}` comes
 * out as those characters: incident text cannot inject placeholders. Pure: no clock, no locale,
 * the same input gives the same bytes.
 */
export function renderPostmortem(template: PostmortemTemplate, input: PostmortemInput): string {
  const valueOf = placeholderValues(input);
  return template.segments.map((segment) => (segment.kind === 'text' ? segment.text : valueOf(segment.name))).join('');
}
