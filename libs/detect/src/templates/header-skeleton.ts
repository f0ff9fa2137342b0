/**
 * The literal text between the fields of a header format, checked in linear time.
 *
 * A format's fields capture lazily (`.*?`), so a line fits the format exactly when the literal
 * pieces between them occur in order (the first at the start, the last at the end, if the
 * format starts or ends with one). Placing each piece at its earliest occurrence decides that
 * without backtracking. The regular expression alone would backtrack through every way of
 * splitting a long line that does not fit (a thousand-word line takes seconds), so this check
 * rejects such lines first and the expression only runs on lines that fit.
 */
type Element = number | 'space';

export class HeaderSkeleton {
  private constructor(
    private readonly pieces: readonly (readonly Element[])[],
    private readonly startsWithLiteral: boolean,
    private readonly endsWithLiteral: boolean,
  ) {}

  /**
   * From the literal parts of a format (the text between `<Field>`s, first and last possibly
   * empty); null when a part uses regular-expression syntax this check does not model.
   */
  static of(parts: readonly string[]): HeaderSkeleton | null {
    const pieces: Element[][] = [];
    for (const part of parts) {
      const piece = parsePiece(part);
      if (piece === null) return null;
      pieces.push(piece);
    }
    return new HeaderSkeleton(pieces, (pieces[0]?.length ?? 0) > 0, (pieces[pieces.length - 1]?.length ?? 0) > 0);
  }

  /** False when `line` (already trimmed) cannot match the format. */
  fits(line: string): boolean {
    const n = line.length;
    let pos = 0;
    const last = this.pieces.length - 1;
    for (let k = 0; k <= last; k++) {
      const piece = this.pieces[k] as readonly Element[];
      if (piece.length === 0) continue;
      if (k === 0 && this.startsWithLiteral) {
        pos = matchAt(line, 0, piece);
        if (pos < 0) return false;
        continue;
      }
      if (k === last && this.endsWithLiteral) {
        for (let s = pos; s < n; s++) if (matchAt(line, s, piece) === n) return true;
        return false;
      }
      let found = -1;
      for (let s = pos; s < n && found < 0; s++) found = matchAt(line, s, piece);
      if (found < 0) return false;
      pos = found;
    }
    return true;
  }
}

function parsePiece(part: string): Element[] | null {
  const piece: Element[] = [];
  for (let i = 0; i < part.length; i++) {
    const c = part.charAt(i);
    if (c === ' ') {
      while (part.charAt(i + 1) === ' ') i++;
      piece.push('space');
    } else if (c === '\\') {
      const next = part.charAt(i + 1);
      if (next === '' || /[A-Za-z0-9]/.test(next)) return null;
      piece.push(next.charCodeAt(0));
      i++;
    } else if ('()[]{}?*+|^$.'.includes(c) || isSpace(c.charCodeAt(0))) {
      return null;
    } else {
      piece.push(c.charCodeAt(0));
    }
  }
  return piece;
}

/** The end of `piece` matched at `start`, or -1. A space element takes all the whitespace there. */
function matchAt(line: string, start: number, piece: readonly Element[]): number {
  let i = start;
  for (const e of piece) {
    if (e === 'space') {
      if (i >= line.length || !isSpace(line.charCodeAt(i))) return -1;
      while (i < line.length && isSpace(line.charCodeAt(i))) i++;
    } else if (line.charCodeAt(i) === e) {
      i++;
    } else {
      return -1;
    }
  }
  return i;
}

/** What `\s` matches in a JavaScript regular expression. */
function isSpace(c: number): boolean {
  return (
    (c >= 9 && c <= 13) || c === 32 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}
