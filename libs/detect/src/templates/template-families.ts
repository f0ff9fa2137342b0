import { WILDCARD, isSeparator } from './variable-masking';

/** A template as the miner keeps it: tokens, their joined form, and its merge state. */
export interface LiveTemplate {
  id: number;
  tokens: string[];
  /** How many variables each `<*>` stood for in the first line (`REPORT : <*> <*> <*>`); for display. */
  spans: number[] | null;
  /** The template as shown: tokens joined, each folded run of variables written out again. */
  template: string;
  count: number;
  /** 0 while live; else the id it was merged into (possibly itself merged later). */
  mergedInto: number;
}

/** The outcome of a merge: the surviving (oldest) template and the ids it absorbed. */
export interface TemplateUnion {
  survivor: LiveTemplate;
  merged: number[];
}

/**
 * The live templates, grouped by token count, how a line finds its template, and the rules that
 * merge templates once the data shows that a position holds a variable.
 *
 * Matching: a line joins the most specific template whose constants it repeats exactly (a
 * template token with `<*>` inside, like `<*>:<*>`, matches by its literal pieces). Failing
 * that, a variable may stretch over up to `MAX_STRETCH` extra tokens if all but one of them are
 * variables already: a field of varying length (`chrome.exe *64` vs `chrome.exe`).
 *
 * Merging, checked whenever a template is created:
 * 1. Subsumption: a new template with `<*>` where older ones have a word (`for <*> [<*>]` vs
 *    `for ns.example.com [<*>]`) shows that position is a variable: it absorbs them.
 * 2. Families: templates that agree at every position but one are the same statement with a
 *    different word there. A few distinct words are an enumeration the code spells out
 *    (`SCREEN_ON`/`SCREEN_OFF`, `FOLLOWING`/`LEADING`), each worth its own template; once
 *    `minDistinctValues` distinct words have been seen the position is a variable (user names).
 *    The family needs `minSharedConstants` constants elsewhere, so one-word messages are never
 *    a family of each other. Two positions that vary together fold under a stricter test
 *    (see `familyTemplate`).
 * 3. Stretching: a new template that stretches over longer ones absorbs them.
 * A merged template also absorbs every template it now covers. The oldest id always survives.
 *
 * Lists keep id order, so every choice below is deterministic and survives a snapshot.
 */
export class TemplateFamilies {
  private readonly byLength = new Map<number, LiveTemplate[]>();
  // A line can only match templates whose first token is its own first token or holds a
  // variable, so lookups scan two short lists instead of every template of that length.
  private readonly byFirstToken = new Map<number, Map<string, LiveTemplate[]>>();

  constructor(
    private readonly minDistinctValues: number,
    private readonly minSharedConstants: number,
    private readonly pairNovelty: number,
  ) {}

  add(state: LiveTemplate): void {
    let list = this.byLength.get(state.tokens.length);
    if (list === undefined) this.byLength.set(state.tokens.length, (list = []));
    list.push(state);
    let buckets = this.byFirstToken.get(state.tokens.length);
    if (buckets === undefined) this.byFirstToken.set(state.tokens.length, (buckets = new Map()));
    const key = bucketOf(state.tokens);
    const bucket = buckets.get(key);
    if (bucket === undefined) buckets.set(key, [state]);
    else bucket.push(state);
  }

  /** The most specific template whose every constant equals the line's token there (oldest on ties). */
  bestMatch(tokens: readonly string[]): LiveTemplate | null {
    return this.sameLengthMatch(tokens) ?? this.stretchMatch(tokens);
  }

  /**
   * A shorter template one of whose variables takes a run of up to `1 + MAX_STRETCH` tokens
   * here, as a variable-length field does (`chrome.exe *64` where others have `chrome.exe`).
   * The run may hold one word at most; the rest must be variables already, so words that
   * make a different statement (`for invalid user x from` vs `for x from`) never stretch.
   */
  private stretchMatch(tokens: readonly string[]): LiveTemplate | null {
    let best: LiveTemplate | null = null;
    let bestWild = Infinity;
    for (let m = tokens.length - 1; m >= Math.max(1, tokens.length - MAX_STRETCH); m--) {
      for (const c of this.byLength.get(m) ?? []) {
        if (!this.stretches(c.tokens, tokens)) continue;
        const wild = wildcards(c.tokens);
        if (wild < bestWild || (wild === bestWild && best !== null && c.id < best.id)) {
          best = c;
          bestWild = wild;
        }
      }
      if (best !== null) return best;
    }
    return best;
  }

  /** Whether `pattern` matches the longer `tokens` with one variable taking the extra tokens. */
  private stretches(pattern: readonly string[], tokens: readonly string[]): boolean {
    const m = pattern.length;
    const n = tokens.length;
    if (n <= m || n - m > MAX_STRETCH || m - wildcards(pattern) < this.minSharedConstants + 1) return false;
    let prefix = 0;
    while (prefix < m && fits(pattern[prefix] as string, tokens[prefix] as string)) prefix++;
    let suffix = 0;
    while (suffix < m && fits(pattern[m - 1 - suffix] as string, tokens[n - 1 - suffix] as string)) suffix++;
    for (let w = 0; w < m; w++) {
      if (pattern[w] !== WILDCARD || w > prefix || m - 1 - w > suffix) continue;
      let words = 0;
      for (let k = w; k <= w + n - m; k++) if (!(tokens[k] as string).includes(WILDCARD)) words++;
      if (words <= 1) return true;
    }
    return false;
  }

  private sameLengthMatch(tokens: readonly string[]): LiveTemplate | null {
    const buckets = this.byFirstToken.get(tokens.length);
    if (buckets === undefined) return null;
    const exact = this.scan(buckets.get(tokens[0] ?? ''), tokens);
    const loose = tokens.length > 0 ? this.scan(buckets.get(WILDCARD), tokens) : null;
    if (exact === null || loose === null) return (exact ?? loose)?.best ?? null;
    return exact.wild < loose.wild || (exact.wild === loose.wild && exact.best.id < loose.best.id) ? exact.best : loose.best;
  }

  private scan(candidates: readonly LiveTemplate[] | undefined, tokens: readonly string[]): { best: LiveTemplate; wild: number } | null {
    if (candidates === undefined) return null;
    let best: LiveTemplate | null = null;
    let bestWild = Infinity;
    const n = tokens.length;
    for (const c of candidates) {
      let wild = 0;
      let i = 0;
      for (; i < n; i++) {
        const t = c.tokens[i] as string;
        if (t === WILDCARD) wild++;
        else if (t !== tokens[i] && !tokenFits(t, tokens[i] as string)) break;
      }
      if (i === n && wild < bestWild) {
        best = c;
        bestWild = wild;
      }
    }
    return best === null ? null : { best, wild: bestWild };
  }

  /** Applies both rules to a template that was just added; null when nothing merged. */
  generalize(fresh: LiveTemplate): TemplateUnion | null {
    const n = fresh.tokens.length;
    const list = this.byLength.get(n) ?? [];
    let tokens: string[] | null = null;
    if (sharedConstants(fresh.tokens, -1) >= this.minSharedConstants && list.some((other) => other !== fresh && covers(fresh.tokens, other.tokens))) {
      tokens = fresh.tokens;
    } else {
      tokens = this.familyTemplate(fresh, list);
    }
    const pattern = tokens ?? fresh.tokens;
    const longer: LiveTemplate[] = [];
    for (let m = n + 1; m <= n + MAX_STRETCH; m++) {
      for (const other of this.byLength.get(m) ?? []) if (this.stretches(pattern, other.tokens)) longer.push(other);
    }
    if (tokens === null && longer.length === 0) return null;
    // Everything the new template covers joins it, so a family merge also sweeps up the older,
    // more specific templates of the same statement, and longer ones it stretches over.
    const generalized = pattern;
    const members = [...list.filter((other) => other === fresh || covers(generalized, other.tokens)), ...longer].sort((x, y) => x.id - y.id);
    const survivor = members[0] as LiveTemplate; // the oldest survives
    const moved = survivor.tokens.length !== n ? survivor.tokens.length : -1;
    if (moved >= 0) survivor.spans = fresh.spans;
    survivor.tokens = generalized === fresh.tokens && survivor !== fresh ? [...generalized] : generalized;
    survivor.template = renderTemplate(survivor.tokens, survivor.spans);
    const merged: number[] = [];
    for (const m of members) {
      if (m === survivor) continue;
      m.mergedInto = survivor.id;
      survivor.count += m.count;
      m.count = 0;
      merged.push(m.id);
    }
    if (moved >= 0) {
      list.push(survivor);
      list.sort((x, y) => x.id - y.id);
    }
    for (const length of new Set([n, ...longer.map((t) => t.tokens.length), moved])) if (length >= 0) this.reindex(length);
    return { survivor, merged };
  }

  /** Drops merged templates (and those moved to another length) from a length's lists. */
  private reindex(length: number): void {
    const live = (this.byLength.get(length) ?? []).filter((s) => s.mergedInto === 0 && s.tokens.length === length);
    this.byLength.set(length, live);
    const buckets = new Map<string, LiveTemplate[]>();
    for (const t of live) {
      const key = bucketOf(t.tokens);
      const bucket = buckets.get(key);
      if (bucket === undefined) buckets.set(key, [t]);
      else bucket.push(t);
    }
    this.byFirstToken.set(length, buckets);
  }

  /**
   * `fresh` with `<*>` where the data shows a variable, else null:
   * - one position: at least `minDistinctValues` templates differ from `fresh` only there;
   * - two positions that vary together (class names in `Registering class A for class B`):
   *   templates differing only there show `minDistinctValues` distinct words at each of the two
   *   and nearly every line brought a new pair (`pairNovelty`), which an enumeration of states
   *   logged over and over does not.
   */
  private familyTemplate(fresh: LiveTemplate, list: readonly LiveTemplate[]): string[] | null {
    const n = fresh.tokens.length;
    const familySize = new Map<number, number>();
    const pairs: { other: LiveTemplate; first: number; second: number }[] = [];
    for (const other of list) {
      if (other === fresh) continue;
      let first = -1;
      let second = -1;
      let differences = 0;
      for (let i = 0; i < n && differences < 3; i++) {
        if (other.tokens[i] !== fresh.tokens[i]) {
          differences++;
          if (first < 0) first = i;
          else second = i;
        }
      }
      if (differences === 1) familySize.set(first, (familySize.get(first) ?? 1) + 1);
      else if (differences === 2) pairs.push({ other, first, second });
    }
    for (const [position, size] of familySize) {
      if (size < this.minDistinctValues || sharedConstants(fresh.tokens, position) < this.minSharedConstants) continue;
      const tokens = [...fresh.tokens];
      tokens[position] = variableOf(list.filter((t) => t === fresh || differsOnlyAt(t.tokens, fresh.tokens, position)).map((t) => t.tokens[position] as string));
      return tokens;
    }
    if (this.pairNovelty <= 0 || pairs.length + 1 < this.minDistinctValues) return null;
    const tried = new Set<number>();
    for (const { first, second } of pairs) {
      if (tried.has(first * n + second)) continue;
      tried.add(first * n + second);
      const family = pairs.filter((p) => p.first === first && p.second === second).map((p) => p.other);
      if (family.length + 1 < this.minDistinctValues) continue;
      if (sharedConstants(fresh.tokens, first, second) < 2 * this.minSharedConstants + 1) continue;
      const atFirst = new Set(family.map((t) => t.tokens[first])).add(fresh.tokens[first]);
      const atSecond = new Set(family.map((t) => t.tokens[second])).add(fresh.tokens[second]);
      if (atFirst.size < this.minDistinctValues || atSecond.size < this.minDistinctValues) continue;
      const lines = family.reduce((sum, t) => sum + t.count, 1);
      if ((family.length + 1) / lines < this.pairNovelty) continue;
      const tokens = [...fresh.tokens];
      tokens[first] = variableOf([...atFirst] as string[]);
      tokens[second] = variableOf([...atSecond] as string[]);
      return tokens;
    }
    return null;
  }
}

/** Tokens joined by spaces, each `<*>` repeated as many times as the variables it stood for. */
export function renderTemplate(tokens: readonly string[], spans: readonly number[] | null): string {
  if (spans === null) return tokens.join(' ');
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const repeat = token === WILDCARD ? (spans[i] ?? 1) : 1;
    for (let k = 0; k < repeat; k++) out += out === '' ? token : ` ${token}`;
  }
  return out;
}

/** How many tokens longer than a template a line may be and still match it (see stretchMatch). */
const MAX_STRETCH = 2;

function wildcards(tokens: readonly string[]): number {
  let count = 0;
  for (const t of tokens) if (t === WILDCARD) count++;
  return count;
}

function fits(pattern: string, token: string): boolean {
  return pattern === token || pattern === WILDCARD || tokenFits(pattern, token);
}

/** The first token, or `<*>` when it holds a variable (and so may match other first tokens). */
function bucketOf(tokens: readonly string[]): string {
  const first = tokens[0] ?? '';
  return first.includes(WILDCARD) ? WILDCARD : first;
}

function differsOnlyAt(a: readonly string[], b: readonly string[], position: number): boolean {
  for (let i = 0; i < a.length; i++) if (i !== position && a[i] !== b[i]) return false;
  return a[position] !== b[position];
}

/**
 * The variable that stands for `values` at one position: `<*>`, keeping what they all start or
 * end with up to a separator, so `user=root`, `user=admin`... become `user=<*>`.
 */
export function variableOf(values: readonly string[]): string {
  const first = values[0] ?? '';
  let prefix = first.length;
  let suffix = first.length;
  let shortest = first.length;
  for (const v of values) {
    let i = 0;
    while (i < prefix && i < v.length && v.charCodeAt(i) === first.charCodeAt(i)) i++;
    prefix = i;
    let j = 0;
    while (j < suffix && j < v.length && v.charCodeAt(v.length - 1 - j) === first.charCodeAt(first.length - 1 - j)) j++;
    suffix = j;
    shortest = Math.min(shortest, v.length);
  }
  while (prefix > 0 && !isSeparator(first.charCodeAt(prefix - 1))) prefix--;
  while (suffix > 0 && !isSeparator(first.charCodeAt(first.length - suffix))) suffix--;
  if (prefix + suffix >= shortest || first.includes(WILDCARD)) return WILDCARD;
  return first.slice(0, prefix) + WILDCARD + first.slice(first.length - suffix);
}

/** Whether `general` matches everything `specific` matches, position by position. */
function covers(general: readonly string[], specific: readonly string[]): boolean {
  for (let i = 0; i < general.length; i++) {
    const g = general[i] as string;
    const s = specific[i] as string;
    if (g !== s && g !== WILDCARD && !tokenFits(g, s)) return false;
  }
  return true;
}

function sharedConstants(tokens: readonly string[], except: number, alsoExcept = -1): number {
  let shared = 0;
  for (let i = 0; i < tokens.length; i++) if (i !== except && i !== alsoExcept && tokens[i] !== WILDCARD) shared++;
  return shared;
}

/**
 * Whether a template token with `<*>` inside (`<*>:<*>`, `hdfs://<*>`) covers a line token: the
 * literal pieces appear in order and each `<*>` stands for at least one character.
 */
export function tokenFits(pattern: string, token: string): boolean {
  if (pattern === WILDCARD) return true;
  const at = pattern.indexOf(WILDCARD);
  if (at < 0) return pattern === token;
  const pieces = pattern.split(WILDCARD);
  const head = pieces[0] as string;
  const tail = pieces[pieces.length - 1] as string;
  if (!token.startsWith(head) || !token.endsWith(tail) || token.length < head.length + tail.length + pieces.length - 1) return false;
  let from = head.length + 1;
  for (let k = 1; k < pieces.length - 1; k++) {
    const piece = pieces[k] as string;
    const found = token.indexOf(piece, from);
    if (found < 0) return false;
    from = found + piece.length + 1;
  }
  return from <= token.length - tail.length;
}
