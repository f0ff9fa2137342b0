/** The placeholder a variable part of a message becomes in a template. */
export const WILDCARD = '<*>';

// Characters that separate the parts of one whitespace token: `key=value`, `host:port`,
// `f(x)`, `a,b`, `[x]`, `host/ip`. Dots, dashes and underscores are not separators, so an
// IP address, a decimal, `blk_-42` or `R02-M1-N0` stays one part and is masked whole.
const SEPARATOR = new Uint8Array(128);
for (const c of '=:,;()[]{}<>|#@"\'`/') SEPARATOR[c.charCodeAt(0)] = 1;

// Truth values are data, whichever the program printed this time.
const BOOLEANS = new Set(['true', 'false', 'True', 'False', 'TRUE', 'FALSE']);

const DOT = 46;
const EQUALS_SIGN = 61;
const BACKSLASH = 92;
const MINUS = 45;
const SLASH = 47;

/** Whether a character separates the parts of a token (`=`, `:`, `/`, brackets, quotes...). */
export const isSeparator = (c: number): boolean => c < 128 && SEPARATOR[c] === 1;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isHexLetter = (c: number): boolean => (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/**
 * Whether one part of a token (text between separators) is a variable value.
 *
 * Digits mark a value unless a single digit is glued to letters, which is how names are spelt
 * (`ssh2`, `log4j`, `jk2_init`, `IPv4`); a run of two or more digits or a digit standing on its
 * own (`node-3`, `1.5`) is data. A long hex string is data even without a digit run.
 */
export function isVariablePart(token: string, start: number, end: number): boolean {
  // `0x1f`, `0X7`: a hex literal whatever its length.
  if (end - start > 2 && token.charCodeAt(start) === 48 && (token.charCodeAt(start + 1) | 32) === 120) {
    let i = start + 2;
    while (i < end && (isDigit(token.charCodeAt(i)) || isHexLetter(token.charCodeAt(i)))) i++;
    if (i === end) return true;
  }
  let hex = 0;
  for (let i = start; i < end; i++) {
    const c = token.charCodeAt(i);
    if (isDigit(c)) {
      hex++;
      const prev = i > start ? token.charCodeAt(i - 1) : 0;
      const next = i + 1 < end ? token.charCodeAt(i + 1) : 0;
      if (isDigit(next)) return true;
      if (!isLetter(prev) && !isLetter(next)) return true;
    } else if (isHexLetter(c)) {
      hex++;
    }
  }
  return hex === end - start && hex >= 12;
}

/** `scheme://rest` → `scheme://<*>`; null when the token is not a URL. */
function maskUrl(token: string): string | null {
  const at = token.indexOf('://');
  if (at <= 0) return null;
  for (let i = 0; i < at; i++) {
    const c = token.charCodeAt(i);
    if (!isLetter(c) && !isDigit(c) && c !== DOT && c !== MINUS && c !== 43) return null;
  }
  return at + 3 < token.length ? `${token.slice(0, at + 3)}${WILDCARD}` : token;
}

/** A file-system path such as `/var/log/x.log`, `/default-rack`, `./a/b` or `~/x`. */
function isPath(token: string): boolean {
  const first = token.charCodeAt(0);
  if (first === SLASH) return token.length > 1 && token.charCodeAt(1) !== SLASH && !isDigit(token.charCodeAt(1));
  return (first === DOT || first === 126) && token.charCodeAt(1) === SLASH && token.length > 2;
}

/** `C:\Windows\system32\x.dll`, `\\server\share\x`: a drive or UNC root and a backslash. */
function isWindowsPath(token: string): boolean {
  if (token.length > 3 && isLetter(token.charCodeAt(0)) && token.charCodeAt(1) === 58 && token.charCodeAt(2) === BACKSLASH) return true;
  return token.length > 2 && token.charCodeAt(0) === BACKSLASH && token.charCodeAt(1) === BACKSLASH;
}

/** What may stand before an embedded path: opening brackets or quotes (`(/a/b)`), or `key=`. */
function isPathLead(token: string, at: number): boolean {
  const last = token.charCodeAt(at - 1);
  if (last === EQUALS_SIGN || last === 58) {
    for (let i = 0; i < at - 1; i++) {
      const c = token.charCodeAt(i);
      if (!isLetter(c) && c !== DOT && c !== 95 && c !== MINUS) return false;
    }
    return true;
  }
  for (let i = 0; i < at; i++) if (!'(["\'<'.includes(token.charAt(i))) return false;
  return true;
}

/** Punctuation that ends a clause after a path: `loading /a/b:`, `(/a/b)`. */
function trailingPunctuation(token: string): number {
  let end = token.length;
  while (end > 1 && ':,;)]}'.includes(token.charAt(end - 1))) end--;
  return end;
}

/**
 * Masks the variable parts of one whitespace-free token. Returns the token itself (same
 * string) when nothing is variable, which is the common case and costs one scan.
 *
 * - a token holding U+FFFD (bytes that were not UTF-8) is junk, hence a variable;
 * - URLs keep their scheme (`hdfs://<*>`), paths become `<*>`;
 * - otherwise each part between separators is masked on its own, so `port=8080` becomes
 *   `port=<*>`, `10.0.0.1:50010` becomes `<*>:<*>` and `onExtend:1514` becomes `onExtend:<*>`;
 * - `true` and `false` are values wherever they stand (`enabled:true` → `enabled:<*>`);
 * - runs of two or more dots separate parts too (`enable......0` → `enable......<*>`).
 */
export function maskToken(token: string): string {
  const n = token.length;
  if (n >= 4 && n <= 6 && BOOLEANS.has(token)) return WILDCARD;
  let interesting = false;
  let allHex = n >= 12;
  for (let i = 0; i < n; i++) {
    const c = token.charCodeAt(i);
    if (isDigit(c) || c === SLASH || c === BACKSLASH || c === 0xfffd) {
      interesting = true;
      break;
    }
    if (allHex && !isHexLetter(c)) allHex = false;
  }
  if (!interesting && !allHex && !(n > 4 && (token.endsWith('true') || token.endsWith('false')))) return token;
  if (token.indexOf('\ufffd') >= 0) return WILDCARD;
  if (isColonHex(token)) return WILDCARD;
  if (isWindowsPath(token)) return WILDCARD + token.slice(trailingPunctuation(token));
  if (token.indexOf('/') >= 0) {
    const url = maskUrl(token);
    if (url !== null) return url;
    if (isPath(token)) return WILDCARD + token.slice(trailingPunctuation(token));
    const at = token.indexOf('/');
    if (at > 0 && isPathLead(token, at) && isPath(token.slice(at))) return token.slice(0, at) + WILDCARD + token.slice(Math.max(at + 1, trailingPunctuation(token)));
  }
  let out = '';
  let changed = false;
  let partStart = 0;
  let i = 0;
  while (i <= n) {
    const c = i < n ? token.charCodeAt(i) : 0;
    const dotRun = c === DOT && i + 1 < n && token.charCodeAt(i + 1) === DOT;
    // A leading slash belongs to the value (`/10.0.0.1:80` is one address, masked as `<*>:<*>`).
    if (i === n || (c < 128 && SEPARATOR[c] === 1 && !(c === SLASH && i === 0)) || dotRun) {
      if (i > partStart) {
        if (isVariablePart(token, partStart, i) || BOOLEANS.has(token.slice(partStart, i))) {
          let end = i;
          while (end - 1 > partStart && token.charCodeAt(end - 1) === DOT) end--;
          out += namePrefix(token, partStart, end) + WILDCARD + token.slice(end, i);
          changed = true;
        } else {
          out += token.slice(partStart, i);
        }
      }
      if (i === n) break;
      let j = i + 1;
      if (dotRun) while (j < n && token.charCodeAt(j) === DOT) j++;
      out += token.slice(i, j);
      partStart = j;
      i = j;
    } else {
      i++;
    }
  }
  return changed ? out : token;
}

/**
 * `jetty-6.1.26`, `worker-12`: a word, a dash and a number are a name and its instance; the
 * name stays. Returns the `word-` prefix, or '' when the part does not look like that.
 */
function namePrefix(token: string, start: number, end: number): string {
  let i = start;
  while (i < end && isLetter(token.charCodeAt(i))) i++;
  const c = token.charCodeAt(i);
  if (i - start < 2 || i + 1 >= end || (c !== MINUS && c !== DOT) || !isDigit(token.charCodeAt(i + 1))) return '';
  return token.slice(start, i + 1);
}

/**
 * Hex groups joined by colons, three groups or more: MAC addresses (`FF:F2:9F:16:E2:23`),
 * IPv6 (`fe80::1`) and clock times (`08:16:53`). One value, so one variable, not a run of them.
 */
function isColonHex(token: string): boolean {
  let colons = 0;
  let digits = 0;
  let group = 0;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c === 58) {
      colons++;
      group = 0;
    } else if (isDigit(c) || isHexLetter(c)) {
      if (isDigit(c)) digits++;
      if (++group > 4) return false;
    } else return false;
  }
  return colons >= 2 && digits > 0;
}

// A unit written after a number as its own token (`1.16 KB`) belongs to the value: the amount
// and its unit change together, so `<*> KB` and `<*> MB` must be one template.
const SIZE_UNITS = new Set(['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'kB', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']);

/** The size unit a token spells and the punctuation after it (`KB)` → `KB`, `)`), else null. */
export function sizeUnitOf(token: string): { unit: string; rest: string } | null {
  let end = token.length;
  while (end > 0) {
    const c = token.charCodeAt(end - 1);
    if (isLetter(c)) break;
    end--;
  }
  if (end === 0 || end > 3) return null;
  const unit = token.slice(0, end);
  return SIZE_UNITS.has(unit) ? { unit, rest: token.slice(end) } : null;
}
