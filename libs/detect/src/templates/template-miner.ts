import { tokenizeMessage } from './message-tokens';
import { TemplateFamilies, renderTemplate, type LiveTemplate } from './template-families';

export interface TemplateMinerOptions {
  /** Distinct words seen at one position of otherwise identical templates before it is a variable. */
  minDistinctValues: number;
  /** Constant tokens those templates must share besides that position (context for the family). */
  minSharedConstants: number;
  /** Share of lines that must bring a new pair before two positions that vary together fold (0 disables). */
  pairNovelty: number;
  /** Tokens mined per line; the rest is dropped and the match says `truncated`. */
  maxTokens: number;
  /** Characters mined per line; the rest is dropped and the match says `truncated`. */
  maxLineChars: number;
  /** Distinct masked lines remembered for the fast path; the memory is cleared when full. */
  maxShapes: number;
  /**
   * Templates one miner may create. Past it, a line that fits none goes to one overflow
   * template (outcome `overflow`): a service logging junk cannot grow memory and checkpoints
   * without bound, and the overflow count says that it happened.
   */
  maxTemplates: number;
}

export const DEFAULT_TEMPLATE_MINER_OPTIONS: Readonly<TemplateMinerOptions> = Object.freeze({
  minDistinctValues: 4,
  minSharedConstants: 1,
  pairNovelty: 0.5,
  maxTokens: 256,
  maxLineChars: 16384,
  // The fast path is a pure cache (accuracy is the same with 16 entries); a smaller memory keeps
  // checkpoints small.
  maxShapes: 4096,
  maxTemplates: 10000,
});

/** Shown for lines that arrived after `maxTemplates` was reached and fit no template. */
export const OVERFLOW_TEMPLATE = '<too many templates>';

/**
 * What happened to one line, most telling first: `empty` (nothing but whitespace), `truncated`
 * (over `maxLineChars`/`maxTokens`), `binary` (control characters), `invalid-utf8` (U+FFFD from
 * undecodable bytes), else `mined`. Every line still gets a template.
 */
export type MineOutcome = 'mined' | 'empty' | 'truncated' | 'binary' | 'invalid-utf8' | 'overflow';

export const MINE_OUTCOMES: readonly MineOutcome[] = ['mined', 'empty', 'truncated', 'binary', 'invalid-utf8', 'overflow'];

export interface TemplateMatch {
  /** The live template of the line (an older id if this line's template was merged into it). */
  id: number;
  template: string;
  /** This line opened a new template. */
  created: boolean;
  /** The template `id` was generalized by this line. */
  changed: boolean;
  /** Ids absorbed into `id` by this call; they are aliases from now on. */
  merged: number[];
  truncated: boolean;
  outcome: MineOutcome;
}

export interface MinedTemplate {
  id: number;
  template: string;
  count: number;
  mergedInto?: number;
}

export type MineStats = Record<MineOutcome, number> & { lines: number };

export interface TemplateMinerSnapshot {
  version: 1;
  /** Every template ever created, in id order; `mergedInto` 0 means live. */
  templates: { id: number; tokens: string[]; spans?: number[]; count: number; mergedInto: number }[];
  /** The fast-path memory, in insertion order: masked line → template id. */
  shapes: [string, number][];
  stats: MineStats;
}

const emptyStats = (): MineStats => ({ lines: 0, mined: 0, empty: 0, truncated: 0, binary: 0, 'invalid-utf8': 0, overflow: 0 });

/**
 * Online log template mining, one line at a time in one pass.
 *
 * A line is masked (numbers, ids, addresses, paths, timestamps, sizes become `<*>`) and joins
 * the most specific template whose constants it repeats exactly. Words are constants until
 * the data shows otherwise: when templates that agree everywhere but one position have shown
 * enough distinct words there, they become one template with `<*>` at that position (see
 * `TemplateFamilies`). Ids are stable: merges keep the oldest id and leave the others as
 * aliases, so ids handed out earlier stay meaningful.
 *
 * A line whose masked form was seen before takes the template it took then (a map lookup):
 * that is the fast path, and most lines of a log take it.
 */
export class TemplateMiner {
  private readonly options: TemplateMinerOptions;
  private readonly all: LiveTemplate[] = [];
  private readonly families: TemplateFamilies;
  private shapes = new Map<string, number>();
  private counts: MineStats = emptyStats();
  private overflowId = 0;

  constructor(options: Partial<TemplateMinerOptions> = {}) {
    this.options = { ...DEFAULT_TEMPLATE_MINER_OPTIONS, ...options };
    for (const name of ['minDistinctValues', 'maxTokens', 'maxLineChars', 'maxShapes', 'maxTemplates'] as const) {
      const value = this.options[name];
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`template miner option ${name} must be a positive integer, got ${value}`);
    }
    if (!(this.options.minSharedConstants >= 0) || !(this.options.pairNovelty >= 0)) throw new RangeError('template miner options minSharedConstants and pairNovelty must be >= 0');
    this.families = new TemplateFamilies(this.options.minDistinctValues, this.options.minSharedConstants, this.options.pairNovelty);
  }

  mine(content: string): TemplateMatch {
    let truncated = false;
    if (content.length > this.options.maxLineChars) {
      content = content.slice(0, this.options.maxLineChars);
      truncated = true;
    }
    const message = tokenizeMessage(content, this.options.maxTokens);
    truncated ||= message.truncated;
    const tokens = message.tokens;
    let outcome: MineOutcome =
      tokens.length === 0 && !message.controlChars ? 'empty' : truncated ? 'truncated' : message.controlChars ? 'binary' : message.replacementChars ? 'invalid-utf8' : 'mined';
    this.counts.lines++;

    const key = tokens.join(' ');
    const known = this.shapes.get(key);
    if (known !== undefined) {
      const state = this.live(known);
      state.count++;
      this.counts[outcome]++;
      return { id: state.id, template: state.template, created: false, changed: false, merged: [], truncated, outcome };
    }
    let state = this.families.bestMatch(tokens);
    let created = false;
    let changed = false;
    let merged: number[] = [];
    if (state === null && this.all.length >= this.options.maxTemplates) {
      outcome = 'overflow';
      ({ state, created } = this.overflow());
    } else if (state === null) {
      const fresh: LiveTemplate = { id: this.all.length + 1, tokens: [...tokens], spans: message.spans, template: renderTemplate(tokens, message.spans), count: 0, mergedInto: 0 };
      this.all.push(fresh);
      this.families.add(fresh);
      const union = this.families.generalize(fresh);
      state = union?.survivor ?? fresh;
      merged = union?.merged ?? [];
      created = state === fresh;
      changed = union !== null && !created;
    }
    state.count++;
    this.counts[outcome]++;
    if (outcome !== 'overflow') {
      if (this.shapes.size >= this.options.maxShapes) this.shapes = new Map();
      this.shapes.set(key, state.id);
    }
    return { id: state.id, template: state.template, created, changed, merged, truncated, outcome };
  }

  /** The one template past the cap; kept out of matching so it never absorbs real templates. */
  private overflow(): { state: LiveTemplate; created: boolean } {
    if (this.overflowId !== 0) return { state: this.live(this.overflowId), created: false };
    const state: LiveTemplate = { id: this.all.length + 1, tokens: [OVERFLOW_TEMPLATE], spans: null, template: OVERFLOW_TEMPLATE, count: 0, mergedInto: 0 };
    this.all.push(state);
    this.overflowId = state.id;
    return { state, created: true };
  }

  /** Follows merges from any id ever handed out to the live template that holds it now. */
  resolve(id: number): number {
    return this.live(id).id;
  }

  /** Every template in id order; merged ones carry `mergedInto` (the live id, resolved). */
  templates(): MinedTemplate[] {
    return this.all.map((s) =>
      s.mergedInto === 0 ? { id: s.id, template: s.template, count: s.count } : { id: s.id, template: s.template, count: s.count, mergedInto: this.resolve(s.id) },
    );
  }

  /** Lines seen, by outcome. */
  stats(): MineStats {
    return { ...this.counts };
  }

  toSnapshot(): TemplateMinerSnapshot {
    return {
      version: 1,
      templates: this.all.map((s) => ({ id: s.id, tokens: [...s.tokens], ...(s.spans ? { spans: [...s.spans] } : {}), count: s.count, mergedInto: s.mergedInto })),
      shapes: [...this.shapes],
      stats: { ...this.counts },
    };
  }

  static fromSnapshot(snapshot: TemplateMinerSnapshot, options: Partial<TemplateMinerOptions> = {}): TemplateMiner {
    if (snapshot.version !== 1) throw new Error(`unsupported template miner snapshot version ${String(snapshot.version)}`);
    const miner = new TemplateMiner(options);
    snapshot.templates.forEach((t, i) => {
      if (t.id !== i + 1) throw new Error(`template miner snapshot: template ${t.id} out of order at ${i + 1}`);
      const spans = t.spans ? [...t.spans] : null;
      const state: LiveTemplate = { id: t.id, tokens: [...t.tokens], spans, template: renderTemplate(t.tokens, spans), count: t.count, mergedInto: t.mergedInto };
      miner.all.push(state);
      if (state.template === OVERFLOW_TEMPLATE) miner.overflowId = state.id;
      else if (state.mergedInto === 0) miner.families.add(state);
    });
    for (const [key, id] of snapshot.shapes) {
      if (id < 1 || id > miner.all.length) throw new Error(`template miner snapshot: shape points at unknown template ${id}`);
      miner.shapes.set(key, id);
    }
    miner.counts = { ...emptyStats(), ...snapshot.stats };
    return miner;
  }

  private live(id: number): LiveTemplate {
    let state = this.all[id - 1];
    if (state === undefined) throw new RangeError(`unknown template id ${id}`);
    while (state.mergedInto !== 0) state = this.all[state.mergedInto - 1] as LiveTemplate;
    return state;
  }
}
