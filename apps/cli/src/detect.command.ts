import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SeriesDetector } from '@vigil/detect';
import { UsageError, type Command } from './command';

/** Every `*.csv` under `dir`, as paths relative to it, in a stable order. */
async function csvFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (at: string): Promise<void> => {
    const entries = await readdir(at, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && entry.name.toLowerCase().endsWith('.csv')) found.push(relative(dir, path));
    }
  };
  await walk(dir);
  return found;
}

const WALL_CLOCK = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Event time of a CSV timestamp in ms since the epoch. Wall-clock times without a zone
 * (`2015-02-26 21:42:53`) are UTC; bare numbers are epoch seconds or, when that large, milliseconds.
 * Anything else is NaN, which the detector treats as "no new time".
 */
export function parseTimestamp(text: string): number {
  const s = text.trim();
  const wall = WALL_CLOCK.exec(s);
  if (wall) return Date.parse(`${wall[1]}T${wall[2]}${wall[3] ?? 'Z'}`);
  if (/^-?\d+(\.\d+)?$/.test(s)) {
    const n = Number(s);
    return Math.abs(n) >= 1e11 ? n : n * 1000;
  }
  return NaN;
}

/** A CSV value; an empty cell is a missing value (NaN), not zero. */
function parseValue(text: string): number {
  const s = text.trim();
  return s === '' ? NaN : Number(s);
}

/** Scores one `timestamp,value` CSV with a fresh detector; returns the output text and row count. */
export function scoreCsv(text: string, name: string): { csv: string; rows: number } {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const header = (lines[0] ?? '').split(',').map((h) => h.trim().toLowerCase());
  const tCol = header.indexOf('timestamp');
  const vCol = header.indexOf('value');
  if (tCol < 0 || vCol < 0) throw new Error(`${name}: the header must name a timestamp and a value column, got "${lines[0] ?? ''}"`);
  const detector = new SeriesDetector();
  const out: string[] = ['timestamp,value,anomaly_score'];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const cells = line.split(',');
    const ts = cells[tCol] ?? '';
    const value = cells[vCol] ?? '';
    const { score } = detector.update({ t: parseTimestamp(ts), v: parseValue(value) });
    out.push(`${ts},${value},${score}`);
  }
  return { csv: out.join('\n') + '\n', rows: out.length - 1 };
}

export const detectCommand: Command = {
  name: 'detect',
  summary: 'score every timestamp,value CSV under a folder with the streaming detectors',
  usage: 'vigil detect --in DIR --out DIR',
  async run({ argv, stdout }) {
    const { values } = parseArgs({ args: argv, options: { in: { type: 'string' }, out: { type: 'string' } }, strict: true, allowPositionals: false });
    if (!values.in || !values.out) throw new UsageError('vigil detect needs --in DIR and --out DIR');
    const input = resolve(values.in);
    const output = resolve(values.out);
    const info = await stat(input).catch(() => null);
    if (!info?.isDirectory()) throw new UsageError(`--in ${values.in} is not a directory`);
    const files = await csvFiles(input);
    let rows = 0;
    for (const file of files) {
      const scored = scoreCsv(await readFile(join(input, file), 'utf8'), file);
      const target = join(output, file);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, scored.csv);
      rows += scored.rows;
    }
    stdout(`vigil detect: scored ${rows} rows in ${files.length} files into ${output}`);
    return 0;
  },
};
