import { BUILTIN_ACTION_PARAMS } from './builtin-actions';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { runbookSchema, type Runbook } from './runbook.schema';
import { findPlaceholderProblems, substitutePlaceholders } from './runbook-templates';

/**
 * Runbook files → a checked `Runbook`, or every problem with the line and column of the YAML node
 * it is about: the form compilers use, so an editor or `grep` can jump to it. Pure: the caller
 * reads the file.
 */

/** One problem in a runbook file. `line` and `column` are 1-based. */
export interface RunbookError {
  file: string;
  line: number;
  column: number;
  /** Where in the runbook, e.g. `steps[2].with.replicas`; `(root)` for the file as a whole. */
  path: string;
  message: string;
}

export interface ParseRunbookOptions {
  /**
   * The parameter schema of an action type, or undefined when no such action exists. Given, every
   * action's `with` (steps, their rollbacks, the runbook's rollback) is checked at load time.
   */
  actionParams?: (type: string) => z.ZodType | undefined;
  /** The action types there are, named in the "unknown action type" message. */
  actionTypes?: () => readonly string[];
}

export type ParseRunbookResult = { ok: true; runbook: Runbook } | { ok: false; errors: RunbookError[] };

/** The largest runbook file accepted (bytes of UTF-8). */
export const MAX_RUNBOOK_BYTES = 256 * 1024;
/** Aliases a runbook may expand (each counted with what it copies): enough for sharing a block, not for a "billion laughs". */
export const MAX_RUNBOOK_ALIAS_COUNT = 20;

/** `file:line:column: path: message`, the line users grep for. */
export function formatRunbookError(e: RunbookError): string {
  return `${e.file}:${e.line}:${e.column}: ${e.path}: ${e.message}`;
}

/**
 * Options from an action catalog (anything with `get(type)?.params` and `types()`, e.g. the
 * `ActionCatalog` of `@vigil/actions`), so action parameters are checked at load time.
 */
export function actionCatalogOptions(catalog: { get(type: string): { params: z.ZodType } | undefined; types(): string[] }): ParseRunbookOptions {
  return {
    actionParams: (type) => catalog.get(type)?.params ?? BUILTIN_ACTION_PARAMS[type],
    actionTypes: () => [...new Set([...catalog.types(), ...Object.keys(BUILTIN_ACTION_PARAMS)])].sort(),
  };
}

type PathSegment = string | number;

/** `steps[2].with.replicas`; keys that are not plain identifiers are quoted: `labels["app.kubernetes.io/name"]`. */
export function formatRunbookPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(String(segment))) out += out ? `.${String(segment)}` : String(segment);
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out || '(root)';
}

/** What an error points at: the value (default), the key naming it, or the mapping that lacks it. */
type Anchor = 'value' | 'key' | 'parent';

/** Finds nodes of one parsed document by runbook path. */
class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** 1-based line and column of what `path` names (see Anchor); the nearest existing ancestor when it is not there. */
  position(path: readonly PropertyKey[], anchor: Anchor = 'value'): { line: number; column: number } {
    let node: unknown = this.doc.contents;
    let parent: unknown = null;
    let key: unknown = null;
    for (const segment of path) {
      node = this.deref(node);
      parent = node;
      key = null;
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p.key) === String(segment));
        if (!pair) return this.at(node);
        key = pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
        node = node.items[segment];
      } else {
        return this.at(node);
      }
    }
    if (anchor === 'parent') return this.at(parent ?? node);
    if (anchor === 'key' && key) return this.at(key);
    // A key with nothing after it (`replicas:`) has an empty null value: point at the key.
    if (!node || (isScalar(node) && node.value === null && !(node as { source?: string }).source)) return this.at(key ?? parent);
    return this.at(node);
  }

  /** Position of the first alias in the document (where an alias bomb goes off). */
  firstAlias(): { line: number; column: number } {
    let found: unknown = null;
    const visit = (node: unknown): void => {
      if (found || !node) return;
      if (isAlias(node)) found = node;
      else if (isMap(node)) {
        for (const p of node.items) {
          visit(p.key);
          visit(p.value);
        }
      }
      else if (isSeq(node)) for (const item of node.items) visit(item);
    };
    visit(this.doc.contents);
    return this.at(found ?? this.doc.contents);
  }

  private deref(node: unknown): unknown {
    for (let hops = 0; isAlias(node) && hops < 10; hops++) node = node.resolve(this.doc);
    return node;
  }

  private at(node: unknown): { line: number; column: number } {
    const range = (node as YamlNode | null)?.range;
    const offset = range ? range[0] : 0;
    const pos = this.lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}

/** The raw value at `path`, and whether its last key exists at all. */
function lookup(data: unknown, path: readonly PropertyKey[]): { present: boolean; value: unknown } {
  let node = data;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] as PropertyKey;
    if (node === null || typeof node !== 'object') return { present: false, value: undefined };
    if (!Object.prototype.hasOwnProperty.call(node, segment)) return { present: false, value: undefined };
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return { present: true, value: node };
}

interface Issue {
  path: PropertyKey[];
  anchor: Anchor;
  message: string;
}

/** zod issues (paths relative to `base` inside `data`) → located, readable problems. */
function fromZodIssues(issues: readonly z.core.$ZodIssue[], data: unknown, base: PathSegment[] = []): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    const raw = lookup(data, path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) out.push({ path: [...path, key], anchor: 'key', message: `unknown key "${key}"` });
        break;
      case 'invalid_type':
        if (!raw.present) out.push({ path, anchor: 'parent', message: `missing required key "${String(path[path.length - 1])}" (${issue.expected})` });
        else out.push({ path, anchor: 'value', message: `expected ${issue.expected}, got ${describe(raw.value)}` });
        break;
      case 'invalid_union': {
        const options = (issue as { options?: unknown[] }).options;
        const discriminator = (issue as { discriminator?: string }).discriminator;
        if (discriminator && options) {
          const known = options.map(String).join(', ');
          if (!raw.present) out.push({ path, anchor: 'parent', message: `missing required key "${discriminator}" (one of: ${known})` });
          else out.push({ path, anchor: 'value', message: `unknown ${discriminator} ${typeof raw.value === 'string' ? JSON.stringify(raw.value) : describe(raw.value)}: expected one of ${known}` });
        } else if (issue.errors.length > 0) {
          // No branch fits: report the branch that came closest (fewest problems).
          const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
          out.push(...fromZodIssues(closest, data, path as PathSegment[]));
        } else {
          out.push({ path, anchor: 'value', message: issue.message });
        }
        break;
      }
      case 'invalid_value':
        if (!raw.present) out.push({ path, anchor: 'parent', message: `missing required key "${String(path[path.length - 1])}" (${issue.values.map((v) => JSON.stringify(v)).join(' or ')})` });
        else out.push({ path, anchor: 'value', message: `${issue.message}, got ${describe(raw.value)}` });
        break;
      case 'invalid_format':
      case 'too_small':
      case 'too_big':
        out.push({ path, anchor: raw.present ? 'value' : 'parent', message: raw.present && raw.value !== null && typeof raw.value !== 'object' ? `${issue.message}, got ${describe(raw.value)}` : issue.message });
        break;
      default:
        out.push({ path, anchor: raw.present ? 'value' : 'parent', message: issue.message });
    }
  }
  return out;
}

/** Stand-ins for placeholders while parameters are checked at load time (real values are names too). */
const SAMPLE_VARS: Record<string, string> = { service: 'service', 'incident.id': 'incident-id', 'incident.number': '1', runbook: 'runbook', 'run.id': 'run-id' };
const ACTION_TYPE = /^[a-z]+(\.[a-zA-Z]+)+$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Placeholders and action parameters: checked on the raw data, so they are reported alongside schema problems. */
function semanticIssues(data: unknown, options: ParseRunbookOptions): Issue[] {
  const out: Issue[] = [];
  if (!isRecord(data)) return out;
  const calls: { at: PathSegment[]; call: Record<string, unknown>; target: boolean }[] = [];
  if (Array.isArray(data['steps'])) {
    data['steps'].forEach((step: unknown, i) => {
      if (!isRecord(step) || step['type'] !== 'action') return;
      calls.push({ at: ['steps', i], call: step, target: true });
      if (isRecord(step['rollback'])) calls.push({ at: ['steps', i, 'rollback'], call: step['rollback'], target: false });
    });
  }
  if (Array.isArray(data['rollback'])) {
    data['rollback'].forEach((call: unknown, i) => {
      if (isRecord(call)) calls.push({ at: ['rollback', i], call, target: true });
    });
  }
  for (const { at, call, target } of calls) {
    for (const field of target ? ['with', 'target'] : ['with']) {
      if (call[field] === undefined) continue;
      for (const p of findPlaceholderProblems(call[field], [...at, field])) out.push({ path: p.path, anchor: p.inKey ? 'key' : 'value', message: p.message });
    }
    const type = call['action'];
    if (!options.actionParams || typeof type !== 'string' || !ACTION_TYPE.test(type)) continue;
    const schema = options.actionParams(type);
    if (!schema) {
      const known = options.actionTypes?.() ?? [];
      out.push({ path: [...at, 'action'], anchor: 'value', message: `unknown action type "${type}"${known.length ? ` (known: ${known.join(', ')})` : ''}` });
      continue;
    }
    const params = call['with'] === undefined ? {} : call['with'];
    if (!isRecord(params)) continue; // the schema says `with` must be a mapping
    const sample = substitutePlaceholders(params, SAMPLE_VARS);
    if (!sample.ok) continue; // reported above as a placeholder problem
    const parsed = schema.safeParse(sample.value);
    if (!parsed.success) out.push(...fromZodIssues(parsed.error.issues, data, [...at, 'with']).map((i) => ({ ...i, message: `${type}: ${i.message}` })));
  }
  return out;
}

/**
 * Parses one runbook file. Every problem comes back at once, each with the line and column of the
 * node it is about: YAML syntax errors, duplicate keys, several documents, alias bombs, a top level
 * that is not a mapping, a file over 256 KiB, schema violations, unknown placeholders and — with
 * `options.actionParams` — unknown action types and bad action parameters.
 */
export function parseRunbook(file: string, text: string, options: ParseRunbookOptions = {}): ParseRunbookResult {
  const fail = (errors: RunbookError[]): ParseRunbookResult => ({ ok: false, errors });
  const size = text.length * 3 <= MAX_RUNBOOK_BYTES ? text.length : new TextEncoder().encode(text).length;
  if (size > MAX_RUNBOOK_BYTES) {
    return fail([{ file, line: 1, column: 1, path: '(root)', message: `file is ${size} bytes: a runbook may be at most ${MAX_RUNBOOK_BYTES} bytes (256 KiB)` }]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, version: '1.2' });
  const errors: RunbookError[] = [];
  for (const problem of [...doc.errors, ...doc.warnings]) {
    const pos = lines.linePos(problem.pos[0]);
    const message =
      problem.code === 'MULTIPLE_DOCS'
        ? 'one runbook per file: a second YAML document starts here'
        : problem.code === 'DUPLICATE_KEY'
          ? 'duplicate key: each key may appear once in a mapping'
          : problem.message.split('\n')[0] ?? problem.message;
    errors.push({ file, line: pos.line, column: pos.col, path: '(root)', message: `YAML: ${message}` });
  }
  if (errors.length > 0) return fail(sortErrors(errors));

  const locator = new Locator(doc, lines);
  if (!isMap(doc.contents)) {
    const pos = locator.position([]);
    const what = doc.contents === null ? 'the file is empty' : `got ${isSeq(doc.contents) ? 'a list' : 'a single value'}`;
    return fail([{ file, path: '(root)', ...pos, message: `a runbook is a YAML mapping (apiVersion, kind, metadata, triggers, steps…): ${what}` }]);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_RUNBOOK_ALIAS_COUNT });
  } catch (error) {
    return fail([{ file, path: '(root)', ...locator.firstAlias(), message: `YAML: aliases expand too much (${(error as Error).message}); at most ${MAX_RUNBOOK_ALIAS_COUNT} allowed` }]);
  }

  const issues: Issue[] = [];
  const parsed = runbookSchema.safeParse(data);
  if (!parsed.success) issues.push(...fromZodIssues(parsed.error.issues, data));
  issues.push(...semanticIssues(data, options));
  const seen = new Set<string>();
  for (const issue of issues) {
    const error: RunbookError = { file, ...locator.position(issue.path, issue.anchor), path: formatRunbookPath(issue.path), message: issue.message };
    const key = formatRunbookError(error);
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push(error);
  }
  if (errors.length > 0 || !parsed.success) return fail(sortErrors(errors));
  return { ok: true, runbook: parsed.data };
}

/**
 * An error about `path` in an already parsed runbook file (e.g. a name two files share), located
 * like the parser's own.
 */
export function runbookErrorAt(file: string, text: string, path: readonly PropertyKey[], message: string): RunbookError {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, version: '1.2' });
  return { file, ...new Locator(doc, lines).position(path), path: formatRunbookPath(path), message };
}

function sortErrors(errors: RunbookError[]): RunbookError[] {
  return errors.sort((a, b) => a.line - b.line || a.column - b.column || a.path.localeCompare(b.path));
}
