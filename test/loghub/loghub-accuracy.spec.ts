import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LogHeaderFormat, TemplateMiner, type TemplateMinerSnapshot } from '@vigil/detect';
import { benchShare } from '../harness/bench-share';
import { runVigilCommand } from '../harness/cli-command';

/**
 * Grouping accuracy of the template miner on the Loghub-2k dev systems, through the very path
 * `vigil parse-logs` takes (the command object itself), scored by the benchmark's own scorer.
 */
// The bar; this configuration reaches 0.998 / 0.991 (docs/benchmarks.md).
const MIN_MEAN_GA = 0.97;
const MIN_SYSTEM_GA = 0.9;

const runCommand = (argv: string[]) => runVigilCommand('parse-logs', argv);

interface ScoreRow {
  dataset: string;
  ga: number;
  fga: number;
  pa: number;
}

describe('template miner on Loghub-2k', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'vigil-loghub-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('groups the 8 dev systems with mean GA >= 0.97 and none below 0.90', async () => {
    const share = benchShare('loghub', 'VIGIL_LOGHUB_DIR');
    const formats = JSON.parse(readFileSync(path.join(share, 'data', 'formats.json'), 'utf8')) as { datasets: Record<string, { log_format: string; log: string }> };
    for (const [system, d] of Object.entries(formats.datasets)) {
      const { code } = await runCommand(['--in', path.join(share, 'data', d.log), '--format', d.log_format, '--out', path.join(work, `${system}.csv`)]);
      expect(code).toBe(0);
    }
    const jsonPath = path.join(work, 'score.json');
    execFileSync(process.execPath, [path.join(share, 'score.mjs'), work, '--json', jsonPath], { encoding: 'utf8' });
    const score = JSON.parse(readFileSync(jsonPath, 'utf8')) as unknown;
    const rows = scoreRows(score);
    expect(rows.length).toBe(Object.keys(formats.datasets).length);
    const mean = rows.reduce((s, r) => s + r.ga, 0) / rows.length;
    const table = rows.map((r) => `${r.dataset.padEnd(10)} GA ${r.ga.toFixed(3)}  FGA ${r.fga.toFixed(3)}  PA ${r.pa.toFixed(3)}`).join('\n');
    process.stdout.write(`${table}\nmean GA ${mean.toFixed(3)}\n`);
    expect(rows.filter((r) => r.ga < MIN_SYSTEM_GA).map((r) => `${r.dataset} GA ${r.ga}`)).toEqual([]);
    expect(mean).toBeGreaterThanOrEqual(MIN_MEAN_GA);
  }, 120_000);

  it('restores a snapshot taken half-way through each system and continues exactly as an uninterrupted run', () => {
    const share = benchShare('loghub', 'VIGIL_LOGHUB_DIR');
    const formats = JSON.parse(readFileSync(path.join(share, 'data', 'formats.json'), 'utf8')) as { datasets: Record<string, { log_format: string; log: string }> };
    for (const d of Object.values(formats.datasets)) {
      const header = new LogHeaderFormat(d.log_format);
      const contents = readFileSync(path.join(share, 'data', d.log), 'utf8')
        .split('\n')
        .map((l) => header.match(l.replace(/\r$/, ''))?.content ?? l);
      const whole = new TemplateMiner();
      const expected = contents.map((c) => whole.mine(c));
      const half = Math.floor(contents.length / 2);
      const first = new TemplateMiner();
      const got = contents.slice(0, half).map((c) => first.mine(c));
      const restored = TemplateMiner.fromSnapshot(JSON.parse(JSON.stringify(first.toSnapshot())) as TemplateMinerSnapshot);
      got.push(...contents.slice(half).map((c) => restored.mine(c)));
      expect(got).toEqual(expected);
      expect(restored.templates()).toEqual(whole.templates());
    }
  });

  it('writes every line of a hostile file once and counts what was odd about it', async () => {
    const file = path.join(work, 'hostile.log');
    const format = '<Date> <Time> <Level> <Component>: <Content>';
    const huge = `17/06/09 20:10:40 INFO a.B: big ${'x'.repeat(1 << 20)}`;
    const parts: Buffer[] = [
      Buffer.from('17/06/09 20:10:40 INFO a.B: Registered signal handlers for [TERM, HUP, INT]\n'),
      Buffer.from('\n'),
      Buffer.from('no header here at all\r\n'),
      Buffer.from(`${huge}\n`),
      Buffer.concat([Buffer.from('17/06/09 20:10:41 INFO a.B: bad bytes '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(' here\n')]),
      Buffer.concat([Buffer.from('17/06/09 20:10:42 INFO a.B: junk '), Buffer.from([0x00, 0x01, 0x07, 0x1b, 0x7f]), Buffer.from(' end\n')]),
      Buffer.from('17/06/09 20:10:43 INFO a.B: quoted "x", and, commas'), // no final newline
    ];
    writeFileSync(file, Buffer.concat(parts));
    const out = path.join(work, 'hostile.csv');
    const { code, out: printed } = await runCommand(['--in', file, '--format', format, '--out', out]);
    expect(code).toBe(0);
    const rows = parseCsv(readFileSync(out, 'utf8'));
    expect(rows[0]).toEqual(['LineId', 'ClusterId', 'EventTemplate']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    for (const r of rows.slice(1)) expect(r).toHaveLength(3);
    expect(rows[7]?.[2]).toBe('quoted "x", and, commas');
    const summary = printed.join('\n');
    expect(summary).toContain('7 lines');
    expect(summary).toMatch(/empty 1\b/);
    expect(summary).toMatch(/truncated 1\b/);
    expect(summary).toMatch(/binary 1\b/);
    expect(summary).toMatch(/invalid-utf8 1\b/);
    expect(summary).toMatch(/header not matched 2\b/); // the empty line and the headerless one
    expect(summary).toMatch(/invalid UTF-8 1\b/);
  });

  it('rejects a missing option as a usage error', async () => {
    await expect(runCommand(['--in', 'x.log'])).rejects.toThrow(/--in, --format and --out are required/);
    await expect(runCommand(['--in', 'x', '--format', '<Content>', '--out', 'y', '--bogus'])).rejects.toThrow();
  });
});

function scoreRows(score: unknown): ScoreRow[] {
  const found: ScoreRow[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o['dataset'] === 'string' && typeof o['GA'] === 'number') found.push({ dataset: o['dataset'], ga: o['GA'], fga: Number(o['FGA']), pa: Number(o['PA']) });
      else Object.values(o).forEach(visit);
    }
  };
  visit(score);
  return found;
}

/** RFC 4180 reader, enough for checking our own output. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}
