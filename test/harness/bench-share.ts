import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * A shared benchmark folder (`loghub`, `nab`) with its `score.mjs`: from the variable that names
 * it, beside the checkout (`../shared/bench/<name>`), or at this machine's shared location.
 * Throws with every place it looked, so a missing share fails loudly instead of skipping.
 */
export function benchShare(name: 'loghub' | 'nab', variable: string): string {
  const repo = path.resolve(__dirname, '../..');
  const candidates = [process.env[variable], path.resolve(repo, '../shared/bench', name), path.join('/work/shared/bench', name)].filter((d): d is string => !!d);
  const found = candidates.find((d) => existsSync(path.join(d, 'score.mjs')));
  if (!found) throw new Error(`${name} benchmark not found: set ${variable} to the folder holding score.mjs (looked in ${candidates.join(', ')})`);
  return found;
}
