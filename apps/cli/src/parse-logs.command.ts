import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { LogHeaderFormat, MINE_OUTCOMES, TemplateMiner, DEFAULT_TEMPLATE_MINER_OPTIONS, type MineStats } from '@vigil/detect';
import { UsageError, type Command } from './command';

/** What `parse-logs` did with a file: per line the template id, and the counts worth printing. */
export interface ParsedLog {
  /** Live template id per line (after every merge), line i at index i. */
  templateIds: number[];
  /** Final template text by live id. */
  templates: Map<number, string>;
  /** Lines whose header did not match the format (mined whole). */
  unmatchedHeader: number;
  /** Lines with bytes that were not UTF-8 (decoded as U+FFFD). */
  invalidUtf8: number;
  stats: MineStats;
}

/** Splits on `\n`, drops one trailing `\r` per line; a final line without newline counts. */
export function splitLines(bytes: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length && start === bytes.length) break;
    if (i === bytes.length || bytes[i] === 10) {
      let end = i;
      if (end > start && bytes[end - 1] === 13) end--;
      lines.push(bytes.subarray(start, end));
      start = i + 1;
    }
  }
  return lines;
}

/** The same path the CLI takes: bytes → lines → header → `<Content>` → miner (default options). */
export function parseLog(bytes: Uint8Array, format: LogHeaderFormat): ParsedLog {
  const strict = new TextDecoder('utf-8', { fatal: true });
  const lenient = new TextDecoder('utf-8');
  const miner = new TemplateMiner(DEFAULT_TEMPLATE_MINER_OPTIONS);
  const ids: number[] = [];
  let unmatchedHeader = 0;
  let invalidUtf8 = 0;
  for (const raw of splitLines(bytes)) {
    let line: string;
    try {
      line = strict.decode(raw);
    } catch {
      line = lenient.decode(raw);
      invalidUtf8++;
    }
    const header = format.match(line);
    if (header === null) unmatchedHeader++;
    ids.push(miner.mine(header === null ? line : header.content).id);
  }
  const templates = new Map<number, string>();
  for (const t of miner.templates()) if (t.mergedInto === undefined) templates.set(t.id, t.template);
  return { templateIds: ids.map((id) => miner.resolve(id)), templates, unmatchedHeader, invalidUtf8, stats: miner.stats() };
}

/** RFC 4180: quote a field holding a comma, quote, CR or LF; double inner quotes. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(parsed: ParsedLog): string {
  const rows = ['LineId,ClusterId,EventTemplate'];
  parsed.templateIds.forEach((id, i) => rows.push(`${i + 1},T${id},${csvField(parsed.templates.get(id) ?? '')}`));
  return `${rows.join('\r\n')}\r\n`;
}

export const parseLogsCommand: Command = {
  name: 'parse-logs',
  summary: 'mine log templates from a file: LineId,ClusterId,EventTemplate per line',
  usage: 'vigil parse-logs --in FILE --format FORMAT --out FILE.csv   (FORMAT e.g. "<Date> <Time> <Level> <Component>: <Content>")',
  async run({ argv, stdout }) {
    let values: { in?: string; format?: string; out?: string };
    try {
      ({ values } = parseArgs({ args: argv, options: { in: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } }, strict: true }));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (!values.in || !values.format || !values.out) throw new UsageError('--in, --format and --out are required');
    let format: LogHeaderFormat;
    try {
      format = new LogHeaderFormat(values.format);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const started = performance.now();
    const parsed = parseLog(await readFile(values.in), format);
    await writeFile(values.out, toCsv(parsed));
    const seconds = (performance.now() - started) / 1000;
    const outcomes = MINE_OUTCOMES.map((o) => `${o} ${parsed.stats[o]}`).join(', ');
    stdout(`${values.in}: ${parsed.stats.lines} lines, ${parsed.templates.size} templates in ${seconds.toFixed(2)} s → ${values.out}`);
    stdout(`outcomes: ${outcomes}; header not matched ${parsed.unmatchedHeader}; invalid UTF-8 ${parsed.invalidUtf8}`);
    return 0;
  },
};
