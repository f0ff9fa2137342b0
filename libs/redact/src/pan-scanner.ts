import { luhnValid } from './luhn';

export interface PanMatch {
  start: number;
  end: number;
  digits: string;
}

const MIN_PAN = 13;
const MAX_PAN = 19;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
/** Card numbers are written with single spaces or dashes between digit groups. */
const isSeparator = (c: number): boolean => c === 32 || c === 45;

/**
 * Finds primary account numbers: runs of 13–19 digits, optionally split by single spaces or
 * dashes, that pass the Luhn check and are not part of a longer number. A hand-written scan
 * rather than a regex: it runs on every log line, and most lines have no long digit run at all.
 */
export function findPans(text: string): PanMatch[] {
  const matches: PanMatch[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isDigit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    // A run starts here, unless glued to a word character before it (e.g. an id like "ab1234...").
    const glued = i > 0 && isWordChar(text.charCodeAt(i - 1));
    let digits = '';
    const positions: number[] = [];
    const boundaries: number[] = [0];
    let j = i;
    while (j < n) {
      const c = text.charCodeAt(j);
      if (isDigit(c)) {
        digits += text[j];
        positions.push(j);
        j++;
      } else if (isSeparator(c) && j + 1 < n && isDigit(text.charCodeAt(j + 1)) && digits.length > 0) {
        boundaries.push(digits.length);
        j++;
      } else {
        break;
      }
    }
    const runEnd = j;
    if (!glued && digits.length >= MIN_PAN && !(runEnd < n && isWordChar(text.charCodeAt(runEnd)))) {
      boundaries.push(digits.length);
      const found = bestPan(digits, boundaries);
      if (found) {
        matches.push({ start: positions[found.from] as number, end: (positions[found.to - 1] as number) + 1, digits: digits.slice(found.from, found.to) });
      }
    }
    i = runEnd + 1;
  }
  return matches;
}

/**
 * The whole run if it is a valid PAN; otherwise the longest valid 13–19 digit window between
 * separators (a PAN typed next to a CVV or an expiry). Windows that cut through a group are not
 * considered: one in ten random digit strings passes Luhn, so that would mask ids and timestamps.
 * Card numbers never start with 0.
 */
function bestPan(digits: string, boundaries: readonly number[]): { from: number; to: number } | null {
  let best: { from: number; to: number } | null = null;
  for (const from of boundaries) {
    if (digits.charCodeAt(from) === 48) continue;
    for (const to of boundaries) {
      const len = to - from;
      if (len < MIN_PAN || len > MAX_PAN || (best && best.to - best.from >= len)) continue;
      if (luhnValid(digits.slice(from, to))) best = { from, to };
    }
  }
  return best;
}

function isWordChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || isDigit(c);
}
