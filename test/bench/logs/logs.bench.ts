import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { LogHeaderFormat, TemplateMiner, tokenizeMessage, DEFAULT_TEMPLATE_MINER_OPTIONS } from '@vigil/detect';
import { COMMANDS, type Command } from '@vigil/cli';
import { measureDetectPipeline } from './detect-pipeline';

/**
 * `node tools/ts-run.js test/bench/logs/logs.bench.ts [--json] [--runs N]`
 *
 * Lines per second of the template miner alone over the 8 Loghub-2k dev systems (`<Content>`
 * only: headers are split before the clock starts), median of N runs, against a ceiling measured
 * in the same run on the same contents: a bare split-on-spaces and group-by-(token count, first
 * token) pass, the least any grouper must do. Then memory per template after a large synthetic
 * stream, and the grouping accuracy of `vigil parse-logs` on the same systems. Last, the same
 * contents through the detect worker's log path (signals → mine → judge → PostgreSQL, checkpoint
 * per batch), one service per system: lines/s inside the pipeline.
 */
const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    runs: { type: 'string', default: '7' },
    passes: { type: 'string', default: '5' },
    'memory-templates': { type: 'string', default: '8000' },
    'pipeline-runs': { type: 'string', default: '3' },
  },
});
const runs = Math.max(1, Number(args.runs));
// Each timed run mines the 16,000 lines `passes` times (fresh miners each pass), so that a run
// lasts long enough for the clock and for the noise of a shared machine.
const passes = Math.max(1, Number(args.passes));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const repo = path.resolve(__dirname, '../../..');
const share = [process.env['VIGIL_LOGHUB_DIR'], path.resolve(repo, '../shared/bench/loghub'), '/work/shared/bench/loghub'].find((d) => d && existsSync(path.join(d, 'score.mjs')));
if (!share) throw new Error('Loghub benchmark not found: set VIGIL_LOGHUB_DIR to the folder holding score.mjs');
const formats = JSON.parse(readFileSync(path.join(share, 'data', 'formats.json'), 'utf8')) as { datasets: Record<string, { log_format: string; log: string }> };

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) return collect();
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Per system, its `<Content>` strings (the header split is not part of what is timed). */
function loadContents(): { system: string; contents: string[] }[] {
  return Object.entries(formats.datasets).map(([system, d]) => {
    const format = new LogHeaderFormat(d.log_format);
    const lines = readFileSync(path.join(share as string, 'data', d.log), 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return { system, contents: lines.map((l) => format.match(l.replace(/\r$/, ''))?.content ?? l) };
  });
}

/** The miner over every system, one fresh miner per system as in production (one per stream). */
function mineAll(systems: { contents: string[] }[]): { seconds: number; lines: number; templates: number } {
  let lines = 0;
  const miners: TemplateMiner[] = [];
  const started = performance.now();
  for (let pass = 0; pass < passes; pass++) {
    for (const { contents } of systems) {
      const miner = new TemplateMiner(DEFAULT_TEMPLATE_MINER_OPTIONS);
      for (const c of contents) miner.mine(c);
      lines += contents.length;
      if (pass === 0) miners.push(miner);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const templates = miners.reduce((sum, m) => sum + m.templates().filter((t) => t.mergedInto === undefined).length, 0);
  return { seconds, lines, templates };
}

/** The ceiling: split on spaces, group by (token count, first token). Nothing else. */
function groupNaively(systems: { contents: string[] }[]): { seconds: number; groups: number } {
  let groups = 0;
  const started = performance.now();
  for (let pass = 0; pass < passes; pass++) {
    for (const { contents } of systems) {
      const seen = new Map<string, number>();
      for (const c of contents) {
        const tokens = c.split(' ');
        const key = `${tokens.length} ${tokens[0] ?? ''}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      groups += seen.size;
    }
  }
  return { seconds: (performance.now() - started) / 1000, groups };
}

/**
 * Heap held per live template: `count` distinct statements, five lines each with fresh numbers.
 * Three words per statement are spelt from its index, so any two statements differ in three
 * places and none fold into a family: the miner ends with `count` templates (and as many shapes).
 */
function memoryPerTemplate(count: number): { templates: number; bytesPerTemplate: number; lines: number } {
  const word = (k: number): string => {
    let w = '';
    for (let x = k + 26 * 26; x > 0; x = Math.floor(x / 26)) w += String.fromCharCode(97 + (x % 26));
    return w;
  };
  const statement = (k: number, i: number): string =>
    `${word(k)} request ${i} from 10.0.${i % 255}.${k % 255}:${1000 + (i % 5000)} ${word(k * 31 + 7)} after ${i % 97} ms on ${word(k * 17 + 3)} stage`;
  gc();
  const before = process.memoryUsage().heapUsed;
  const miner = new TemplateMiner(DEFAULT_TEMPLATE_MINER_OPTIONS);
  let lines = 0;
  for (let round = 0; round < 5; round++) {
    for (let k = 0; k < count; k++) {
      miner.mine(statement(k, round * count + k));
      lines++;
    }
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  const templates = miner.templates().filter((t) => t.mergedInto === undefined).length;
  // Keeps the miner reachable until after the measurement.
  if (miner.stats().lines !== lines) throw new Error('lost lines');
  return { templates, bytesPerTemplate: (after - before) / templates, lines };
}

/** Mean GA of `vigil parse-logs` on the 8 systems, scored by the benchmark's scorer. */
async function meanGa(): Promise<{ mean: number; rows: { dataset: string; GA: number; FGA: number; PA: number }[] }> {
  const command = COMMANDS.find((c) => c.name === 'parse-logs') as Command;
  const work = mkdtempSync(path.join(tmpdir(), 'vigil-logs-bench-'));
  try {
    for (const [system, d] of Object.entries(formats.datasets)) {
      await command.run({ argv: ['--in', path.join(share as string, 'data', d.log), '--format', d.log_format, '--out', path.join(work, `${system}.csv`)], env: {}, stdout: () => undefined, stderr: () => undefined });
    }
    const json = path.join(work, 'score.json');
    execFileSync(process.execPath, [path.join(share as string, 'score.mjs'), work, '--json', json]);
    const score = JSON.parse(readFileSync(json, 'utf8')) as { results: { dataset: string; GA: number; FGA: number; PA: number }[] };
    const rows = score.results;
    return { mean: rows.reduce((s, r) => s + r.GA, 0) / rows.length, rows };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const systems = loadContents();
  // Warm-up so that both sides run optimized code.
  for (let i = 0; i < 3; i++) {
    mineAll(systems);
    groupNaively(systems);
  }
  const miner: number[] = [];
  const ceiling: number[] = [];
  let templates = 0;
  let lines = 0;
  for (let run = 1; run <= runs; run++) {
    gc();
    const m = mineAll(systems);
    gc();
    const c = groupNaively(systems);
    miner.push(m.lines / m.seconds);
    ceiling.push(m.lines / c.seconds);
    templates = m.templates;
    lines = m.lines / passes;
    if (!args.json) console.log(`run ${run}: miner ${Math.round(m.lines / m.seconds)} lines/s, ceiling ${Math.round(m.lines / c.seconds)} lines/s`);
  }
  const memory = memoryPerTemplate(Number(args['memory-templates']));
  const accuracy = await meanGa();
  const pipeline: number[] = [];
  const services = systems.map(({ system, contents }) => ({ service: system, lines: Array.from({ length: passes }, () => contents).flat() }));
  for (let run = 1; run <= Number(args['pipeline-runs']); run++) {
    const r = await measureDetectPipeline(services);
    pipeline.push(r.linesPerSecond);
    if (!args.json) console.log(`pipeline run ${run}: ${r.lines} lines through the detect worker in ${r.seconds.toFixed(2)} s (${Math.round(r.linesPerSecond)} lines/s, ${r.templates} templates)`);
  }
  // Per-system tokens, to show the mix the throughput is measured on.
  const tokens = systems.reduce((s, { contents }) => s + contents.reduce((t, c) => t + tokenizeMessage(c, 256).tokens.length, 0), 0);
  const summary = {
    benchmark: 'logs',
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
    runs,
    passes,
    lines,
    mean_tokens_per_line: Number((tokens / lines).toFixed(1)),
    lines_per_s: Math.round(median(miner)),
    ceiling_lines_per_s: Math.round(median(ceiling)),
    ratio: Number((median(miner) / median(ceiling)).toFixed(3)),
    templates,
    memory_stream_lines: memory.lines,
    memory_templates: memory.templates,
    bytes_per_template: Math.round(memory.bytesPerTemplate),
    mean_ga: Number(accuracy.mean.toFixed(4)),
    pipeline_lines_per_s: Math.round(median(pipeline)),
    pipeline_to_miner: Number((median(pipeline) / median(miner)).toFixed(3)),
  };
  console.log('');
  console.log('| system | GA | FGA | PA |');
  console.log('| --- | --- | --- | --- |');
  for (const r of accuracy.rows) console.log(`| ${r.dataset} | ${r.GA.toFixed(3)} | ${r.FGA.toFixed(3)} | ${r.PA.toFixed(3)} |`);
  console.log('');
  console.log('| figure | value |');
  console.log('| --- | --- |');
  for (const [k, v] of Object.entries(summary)) if (typeof v !== 'object') console.log(`| ${k} | ${v} |`);
  if (args.json) console.log(JSON.stringify(summary));
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

