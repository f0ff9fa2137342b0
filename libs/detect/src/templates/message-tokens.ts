import { WILDCARD, maskToken, sizeUnitOf } from './variable-masking';

/** A message split into masked tokens, with what was odd about it. */
export interface MessageTokens {
  tokens: string[];
  /** More than `maxTokens` tokens: the rest was dropped. */
  truncated: boolean;
  /** Control characters (binary junk) were found and treated as spaces. */
  controlChars: boolean;
  /** U+FFFD was found: the bytes were not valid UTF-8 before decoding. */
  replacementChars: boolean;
  /** Per token, how many variables it stands for after runs were folded; null if none were. */
  spans: number[] | null;
}

// Whitespace and control characters both end a token: binary junk then shows up as odd
// tokens (which masking turns into variables) instead of one huge token.
function isBreak(c: number): boolean {
  return c <= 32 || (c >= 127 && c <= 159) || c === 0x2028 || c === 0x2029 || c === 0xfeff;
}

// Day and month names are the words of a timestamp (`Fri Jul 01 08:16:53 PDT 2005`); next to
// a number they are part of that variable, elsewhere (`Mon` as a name) they are left alone.
const DATE_WORDS = new Set(
  'Mon Tue Wed Thu Fri Sat Sun Monday Tuesday Wednesday Thursday Friday Saturday Sunday Jan Feb Mar Apr May Jun Jul Aug Sep Sept Oct Nov Dec January February March April June July August September October November December'.split(' '),
);

const hasWildcard = (token: string | undefined): boolean => token !== undefined && token.includes(WILDCARD);

/**
 * Splits a message on whitespace and masks variable tokens. Then three rules about neighbours:
 * day and month names next to a number are variables; a masked number followed by a size unit
 * (`1.16 KB`) is one variable, so the unit does not split a template; and a run of variables is
 * one variable field of varying length (`1 0 4` or `Fri Jul 01 08:16:53`), so the number of
 * values in a list does not split a template either.
 */
export function tokenizeMessage(content: string, maxTokens: number): MessageTokens {
  const raw: string[] = [];
  let truncated = false;
  let controlChars = false;
  let dateWords = false;
  let foldable = false;
  const replacementChars = content.indexOf('\ufffd') >= 0;
  const n = content.length;
  let i = 0;
  while (i < n) {
    let c = content.charCodeAt(i);
    while (isBreak(c)) {
      if (c < 9 || (c > 13 && c < 32) || (c >= 127 && c <= 159)) controlChars = true;
      if (++i >= n) break;
      c = content.charCodeAt(i);
    }
    if (i >= n) break;
    const start = i;
    while (i < n && !isBreak(content.charCodeAt(i))) i++;
    if (raw.length >= maxTokens) {
      truncated = true;
      break;
    }
    const token = maskToken(content.slice(start, i));
    if (!dateWords && i - start <= 9 && DATE_WORDS.has(token)) dateWords = true;
    // Most lines need neither rewrite below; noticing that here saves a second array.
    if (!foldable && raw.length > 0 && (raw[raw.length - 1] as string).endsWith(WILDCARD) && (token === WILDCARD || sizeUnitOf(token) !== null)) foldable = true;
    raw.push(token);
  }
  if (!dateWords && !foldable) return { tokens: raw, truncated, controlChars, replacementChars, spans: null };
  if (dateWords) {
    for (let k = 0; k < raw.length; k++) {
      if (!DATE_WORDS.has(raw[k] as string)) continue;
      const before = raw[k - 1];
      const after = raw[k + 1];
      const near =
        hasWildcard(before) ||
        hasWildcard(after) ||
        (after !== undefined && DATE_WORDS.has(after) && hasWildcard(raw[k + 2])) ||
        (before !== undefined && DATE_WORDS.has(before) && hasWildcard(raw[k - 2]));
      if (near) raw[k] = WILDCARD;
    }
  }
  const tokens: string[] = [];
  let spans: number[] | null = null;
  for (const token of raw) {
    const previous = tokens.length > 0 ? (tokens[tokens.length - 1] as string) : '';
    if (previous.endsWith(WILDCARD) && token !== WILDCARD) {
      const unit = sizeUnitOf(token);
      if (unit !== null) {
        tokens[tokens.length - 1] = previous + unit.rest;
        continue;
      }
    }
    if (token === WILDCARD && previous === WILDCARD) {
      spans ??= tokens.map(() => 1);
      spans[spans.length - 1]++;
      continue;
    }
    tokens.push(token);
    spans?.push(1);
  }
  return { tokens, truncated, controlChars, replacementChars, spans };
}
