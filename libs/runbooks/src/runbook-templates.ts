/**
 * Placeholders in runbook parameters: `{{service}}`, `{{incident.id}}`, `{{incident.number}}`,
 * `{{runbook}}`, `{{run.id}}`. Their values come from telemetry and incidents, i.e. from whoever
 * can make a service emit a log line or a span. So a value is substituted only when it is a plain
 * name (`[A-Za-z0-9._-]+`, not `.` or `..`, at most 253 characters): no `;`, spaces, slashes,
 * quotes, `$(…)`, newlines — nothing that could change what a command, URL or SQL statement means.
 * Substitution is one pass: what was substituted is never scanned again.
 */

export const RUNBOOK_PLACEHOLDERS = ['service', 'incident.id', 'incident.number', 'runbook', 'run.id'] as const;
export type RunbookPlaceholder = (typeof RUNBOOK_PLACEHOLDERS)[number];

/** What a substituted value must look like. */
export const PLACEHOLDER_VALUE_PATTERN = /^[A-Za-z0-9._-]+$/;
const MAX_VALUE_LENGTH = 253;

/** `{{name}}`, spaces inside the braces allowed; anything else that opens with `{{` is malformed. */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const KNOWN: ReadonlySet<string> = new Set(RUNBOOK_PLACEHOLDERS);

export type SubstitutionResult<T> = { ok: true; value: T } | { ok: false; placeholder: string; reason: string };

/** Why `value` may not be substituted for a placeholder, or null when it may. */
export function unsafePlaceholderValue(value: string): string | null {
  if (!PLACEHOLDER_VALUE_PATTERN.test(value)) return 'only letters, digits, ".", "_" and "-" may be substituted';
  if (/^\.+$/.test(value)) return '"." and ".." may not be substituted';
  if (value.length > MAX_VALUE_LENGTH) return `at most ${MAX_VALUE_LENGTH} characters may be substituted`;
  return null;
}

class SubstitutionFailed extends Error {
  constructor(
    readonly placeholder: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

function substituteString(text: string, vars: Record<string, string>): string {
  const out = text.replace(PLACEHOLDER, (whole: string, name: string) => {
    if (!KNOWN.has(name)) throw new SubstitutionFailed(whole, `unknown placeholder ${whole} (known: ${RUNBOOK_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')})`);
    const value = Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : undefined;
    if (value === undefined) throw new SubstitutionFailed(whole, `${whole} has no value here (e.g. {{incident.id}} without an incident)`);
    const unsafe = unsafePlaceholderValue(value);
    if (unsafe) throw new SubstitutionFailed(whole, `refused to substitute ${JSON.stringify(value)} for ${whole}: ${unsafe}`);
    return value;
  });
  // Whatever is left over must not look like a placeholder (`{{service`, `{{ {{x}} }}`…): checked on
  // the input with the placeholders cut out, never on substituted output.
  const rest = text.replace(PLACEHOLDER, '');
  if (rest.includes('{{')) throw new SubstitutionFailed('{{', `malformed placeholder in ${JSON.stringify(text)}: expected {{name}}`);
  return out;
}

function substituteAny(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string') return substituteString(value, vars);
  if (Array.isArray(value)) return value.map((v) => substituteAny(v, vars));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substituteAny(v, vars);
    return out;
  }
  return value;
}

/**
 * Replaces every placeholder in every string inside `value` (objects and arrays are copied; keys
 * are left alone). Fails on the first unknown placeholder, placeholder without a value, or value
 * that is not a plain name.
 */
export function substitutePlaceholders<T>(value: T, vars: Record<string, string>): SubstitutionResult<T> {
  try {
    return { ok: true, value: substituteAny(value, vars) as T };
  } catch (error) {
    if (error instanceof SubstitutionFailed) return { ok: false, placeholder: error.placeholder, reason: error.reason };
    throw error;
  }
}

/** A placeholder problem found at load time, with where it is inside the checked value. */
export interface PlaceholderProblem {
  path: (string | number)[];
  placeholder: string;
  message: string;
  /** The problem is the key at `path`, not its value. */
  inKey: boolean;
}

/**
 * Load-time check of a value that will be substituted later: every placeholder must be a known
 * one, and keys may hold none (they are never substituted).
 */
export function findPlaceholderProblems(value: unknown, path: (string | number)[] = []): PlaceholderProblem[] {
  const problems: PlaceholderProblem[] = [];
  const visit = (v: unknown, at: (string | number)[]): void => {
    if (typeof v === 'string') {
      for (const match of v.matchAll(PLACEHOLDER)) {
        const name = match[1] as string;
        if (!KNOWN.has(name)) problems.push({ path: at, placeholder: match[0], message: `unknown placeholder ${match[0]} (known: ${RUNBOOK_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')})`, inKey: false });
      }
      if (v.replace(PLACEHOLDER, '').includes('{{')) problems.push({ path: at, placeholder: '{{', message: `malformed placeholder in ${JSON.stringify(v)}: expected {{name}}`, inKey: false });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, [...at, i]));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        if (k.includes('{{')) problems.push({ path: [...at, k], placeholder: k, message: 'placeholders are substituted in values only, not in keys', inKey: true });
        visit(item, [...at, k]);
      }
    }
  };
  visit(value, path);
  return problems;
}

/** True when a string or anything inside a value holds a placeholder (or something like one). */
export function hasPlaceholder(value: unknown): boolean {
  return JSON.stringify(value ?? null).includes('{{');
}
