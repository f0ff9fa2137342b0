import { findPans } from './pan-scanner';

/** What a redaction replaced, by kind; the counts let an operator find and fix the leak. */
export type RedactionKind = 'pan' | 'bearer_token' | 'jwt' | 'pattern';
export type RedactionCounts = Partial<Record<RedactionKind, number>>;

export interface RedactionResult {
  text: string;
  counts: RedactionCounts | null;
}

export interface SensitiveDataRedactorOptions {
  /** Extra regular expressions (source strings) whose matches are replaced by `[REDACTED]`. */
  patterns?: readonly string[];
}

// Authorization headers copied into logs: "Bearer <token>" (RFC 6750 token68 characters).
const BEARER = /\b(bearer)(\s+)[A-Za-z0-9\-._~+/]+=*/gi;
// Three base64url segments where the first two are JSON objects ({"...): a JSON Web Token.
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

/**
 * Masks card numbers (Luhn-valid, keeping the last four digits as PCI DSS allows), bearer
 * tokens, JSON Web Tokens and configured patterns. Pure; cheap pre-checks skip the regexes on
 * the many lines that cannot contain a secret.
 */
export class SensitiveDataRedactor {
  private readonly patterns: RegExp[];

  constructor(options: SensitiveDataRedactorOptions = {}) {
    this.patterns = (options.patterns ?? []).map((source) => {
      try {
        return new RegExp(source, 'g');
      } catch (error) {
        throw new Error(`invalid redaction pattern ${JSON.stringify(source)}: ${(error as Error).message}`);
      }
    });
  }

  redact(text: string): RedactionResult {
    const counts: RedactionCounts = {};
    const masked = this.redactInto(text, counts);
    return masked === null ? { text, counts: null } : { text: masked, counts };
  }

  /**
   * The masked text, with what was masked added to `counts`; or null when there was nothing to
   * mask — the common case, which allocates nothing (this runs on every string ingested).
   */
  redactInto(text: string, into: RedactionCounts): string | null {
    // Shorter than any card number, token or JWT: only configured patterns could match.
    if (text.length < 13 && this.patterns.length === 0) return null;
    let out = text;
    let changed = false;
    if (hasDigitRun(out)) {
      const pans = findPans(out);
      if (pans.length > 0) {
        let rebuilt = '';
        let at = 0;
        for (const pan of pans) {
          rebuilt += out.slice(at, pan.start) + `[PAN ****${pan.digits.slice(-4)}]`;
          at = pan.end;
        }
        out = rebuilt + out.slice(at);
        into.pan = (into.pan ?? 0) + pans.length;
        changed = true;
      }
    }
    if (out.length >= 12 && (out.includes('earer') || out.includes('EARER'))) {
      out = out.replace(BEARER, (_m, word: string, space: string) => {
        into.bearer_token = (into.bearer_token ?? 0) + 1;
        changed = true;
        return `${word}${space}[REDACTED]`;
      });
    }
    if (out.includes('eyJ')) {
      out = out.replace(JWT, () => {
        into.jwt = (into.jwt ?? 0) + 1;
        changed = true;
        return '[JWT]';
      });
    }
    for (const pattern of this.patterns) {
      out = out.replace(pattern, () => {
        into.pattern = (into.pattern ?? 0) + 1;
        changed = true;
        return '[REDACTED]';
      });
    }
    return changed ? out : null;
  }
}

/** Thirteen digits in a short stretch: the cheapest test that a PAN might be present. */
function hasDigitRun(text: string): boolean {
  let digits = 0;
  let gap = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits >= 13) return true;
      gap = 0;
    } else if ((c === 32 || c === 45) && digits > 0 && gap === 0) {
      gap = 1;
    } else {
      digits = 0;
      gap = 0;
    }
  }
  return false;
}

export function addRedactionCounts(into: RedactionCounts, from: RedactionCounts): void {
  for (const [kind, n] of Object.entries(from) as [RedactionKind, number][]) into[kind] = (into[kind] ?? 0) + n;
}
