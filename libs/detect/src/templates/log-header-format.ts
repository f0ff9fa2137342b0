import { HeaderSkeleton } from './header-skeleton';

/** What a header format found in one line: the named header fields and the message. */
export interface HeaderMatch {
  fields: Record<string, string>;
  content: string;
}

/**
 * A Loghub header format such as `<Date> <Time> <Pid> <Level> <Component>: <Content>`, the
 * convention of logparser's and Loghub-2.0's benchmarks: every `<Field>` captures lazily, every
 * run of spaces matches `\s+`, all other text is regular-expression source (so `\[` and optional
 * groups work), and the pattern is anchored at both ends of the trimmed line. `<Content>` is the
 * message to mine; a format without it yields the whole line as content.
 */
export class LogHeaderFormat {
  readonly fieldNames: readonly string[];
  private readonly pattern: RegExp;
  private readonly contentGroup: number;
  private readonly skeleton: HeaderSkeleton | null;

  constructor(readonly format: string) {
    const names: string[] = [];
    const literals: string[] = [''];
    let source = '';
    for (const piece of format.split(/(<[^<>]+>)/)) {
      if (piece === '') continue;
      if (piece.startsWith('<') && piece.endsWith('>') && piece.length > 2) {
        literals.push('');
        names.push(piece.slice(1, -1));
        // Named groups, so that the format's own groups (`(\[<Pid>\])?`) shift nothing.
        source += `(?<f${names.length - 1}>.*?)`;
      } else {
        literals[literals.length - 1] += piece;
        source += piece.replace(/ +/g, '\\s+');
      }
    }
    if (names.length === 0) throw new Error(`log format has no <Field>: ${JSON.stringify(format)}`);
    const duplicate = names.find((name, i) => names.indexOf(name) !== i);
    if (duplicate !== undefined) throw new Error(`log format names <${duplicate}> twice: ${JSON.stringify(format)}`);
    try {
      this.pattern = new RegExp(`^${source}$`, 's');
    } catch (error) {
      throw new Error(`log format is not a valid pattern: ${JSON.stringify(format)} (${(error as Error).message})`);
    }
    this.fieldNames = names;
    this.skeleton = HeaderSkeleton.of(literals);
    this.contentGroup = names.indexOf('Content') + 1;
  }

  /** The fields of `line`, or null when the line does not have this header. */
  match(line: string): HeaderMatch | null {
    const trimmed = line.trim();
    if (this.skeleton !== null && !this.skeleton.fits(trimmed)) return null;
    const found = this.pattern.exec(trimmed);
    if (found === null) return null;
    const fields: Record<string, string> = {};
    const groups = found.groups ?? {};
    this.fieldNames.forEach((name, i) => {
      fields[name] = groups[`f${i}`] ?? '';
    });
    const content = this.contentGroup > 0 ? (fields['Content'] ?? '') : line.trim();
    return { fields, content };
  }
}
