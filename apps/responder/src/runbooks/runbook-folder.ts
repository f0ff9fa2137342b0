import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_RUNBOOK_BYTES, parseRunbook, runbookErrorAt, type ParseRunbookOptions, type Runbook, type RunbookError } from '@vigil/runbooks';

export interface LoadedRunbook {
  /** The file as found: `dir` joined with its path below `dir`. */
  file: string;
  runbook: Runbook;
}

export interface RunbookFolder {
  /** Every runbook that loaded, in file order. */
  runbooks: LoadedRunbook[];
  /** Every problem in every file, in file order. A file with errors contributes no runbook. */
  errors: RunbookError[];
}

const RUNBOOK_FILE = /\.ya?ml$/i;

/** Every `*.yaml` / `*.yml` below `dir` (hidden folders and node_modules skipped), sorted by path. */
async function runbookFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (at: string): Promise<void> => {
    const entries = await readdir(at, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'node_modules') await walk(path);
      } else if (RUNBOOK_FILE.test(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && (await stat(path).catch(() => null))?.isFile()))) {
        found.push(path);
      }
    }
  };
  await walk(dir);
  return found;
}

/**
 * Loads every runbook file below `dir` (recursively, in sorted order so results are the same on
 * every machine). Each file is parsed on its own; two runbooks with the same `metadata.name` are an
 * error naming both files (the later file's runbook is dropped). Throws only when `dir` itself
 * cannot be read.
 */
export async function loadRunbookFolder(dir: string, options: ParseRunbookOptions = {}): Promise<RunbookFolder> {
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new Error(`${dir} is not a folder of runbooks`);
  const runbooks: LoadedRunbook[] = [];
  const errors: RunbookError[] = [];
  const byName = new Map<string, string>();
  for (const file of await runbookFiles(dir)) {
    const size = (await stat(file)).size;
    if (size > MAX_RUNBOOK_BYTES) {
      // Not read at all: the parser would refuse it anyway, and a huge file should not be loaded to find out.
      errors.push({ file, line: 1, column: 1, path: '(root)', message: `file is ${size} bytes: a runbook may be at most ${MAX_RUNBOOK_BYTES} bytes (256 KiB)` });
      continue;
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      errors.push({ file, line: 1, column: 1, path: '(root)', message: `cannot read the file: ${(error as Error).message}` });
      continue;
    }
    const parsed = parseRunbook(file, text, options);
    if (!parsed.ok) {
      errors.push(...parsed.errors);
      continue;
    }
    const name = parsed.runbook.metadata.name;
    const first = byName.get(name);
    if (first !== undefined) {
      errors.push(runbookErrorAt(file, text, ['metadata', 'name'], `runbook name "${name}" is already used by ${first}: names must be unique`));
      continue;
    }
    byName.set(name, file);
    runbooks.push({ file, runbook: parsed.runbook });
  }
  return { runbooks, errors };
}
