import { isPostmortemPlaceholder, type PostmortemPlaceholder } from './postmortem-placeholders';
import { PostmortemTemplateError } from './postmortem-template-error';

export type PostmortemTemplateSegment =
  | { kind: 'text'; text: string }
  | { kind: 'placeholder'; name: PostmortemPlaceholder; line: number; column: number };

/** A template checked once, up front: literal text and known placeholders, nothing to evaluate. */
export interface PostmortemTemplate {
  readonly name: string;
  readonly segments: readonly PostmortemTemplateSegment[];
}

const OPEN = '{{';
const CLOSE = '}}';
const ESCAPE = '\\';

/**
 * Splits a template into text and `{{name}}` / `{{name.sub}}` placeholders (spaces inside the
 * braces allowed), rejecting what could only render wrong: an empty template, a `{{` not closed
 * on its own line, a name that is not in {@link POSTMORTEM_PLACEHOLDERS}. The language has no
 * expressions, loops or includes — a template is data, so a hostile one can at worst produce odd
 * markdown. `\{{` writes a literal `{{`.
 */
export function parsePostmortemTemplate(name: string, text: string): PostmortemTemplate {
  // Templates are edited by hand on any OS: positions are counted on LF text without a BOM.
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (source.trim() === '') throw new PostmortemTemplateError(name, 1, 1, 'empty', null, 'the template is empty');
  const segments: PostmortemTemplateSegment[] = [];
  let literal = '';
  let at = 0;
  for (let open = source.indexOf(OPEN); open !== -1; open = source.indexOf(OPEN, at)) {
    if (open > 0 && source[open - 1] === ESCAPE) {
      literal += source.slice(at, open - 1) + OPEN;
      at = open + OPEN.length;
      continue;
    }
    const { line, column } = positionOf(source, open);
    const close = source.indexOf(CLOSE, open + OPEN.length);
    const lineEnd = source.indexOf('\n', open);
    const nextOpen = source.indexOf(OPEN, open + OPEN.length);
    if (close === -1 || (lineEnd !== -1 && lineEnd < close) || (nextOpen !== -1 && nextOpen < close)) {
      throw new PostmortemTemplateError(name, line, column, 'unclosed', null, `"${OPEN}" is not closed by "${CLOSE}" on the same line`);
    }
    const placeholder = source.slice(open + OPEN.length, close).trim();
    if (!isPostmortemPlaceholder(placeholder)) {
      throw new PostmortemTemplateError(name, line, column, 'unknown_placeholder', placeholder, `unknown placeholder {{${placeholder}}}`);
    }
    literal += source.slice(at, open);
    if (literal !== '') segments.push({ kind: 'text', text: literal });
    literal = '';
    segments.push({ kind: 'placeholder', name: placeholder, line, column });
    at = close + CLOSE.length;
  }
  literal += source.slice(at);
  if (literal !== '') segments.push({ kind: 'text', text: literal });
  return Object.freeze({ name, segments: Object.freeze(segments) });
}

function positionOf(source: string, index: number): { line: number; column: number } {
  const before = source.slice(0, index);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: index - lastBreak };
}
