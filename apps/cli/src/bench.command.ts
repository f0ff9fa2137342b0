import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from './command';

/** The repository root: benchmarks live in its test/bench, beside the test broker they use. */
function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'test', 'bench'))) {
    const parent = resolve(dir, '..');
    if (parent === dir) throw new Error('vigil bench runs from a checkout of the Vigil repository (test/bench not found)');
    dir = parent;
  }
  return dir;
}

const BENCHMARKS: Record<string, string> = {
  ingest: 'test/bench/ingest/ingest.bench.ts',
  logs: 'test/bench/logs/logs.bench.ts',
  detect: 'test/bench/detect/detect.bench.ts',
  incidents: 'test/bench/incidents/incidents.bench.ts',
  runbooks: 'test/bench/runbooks/runbooks.bench.ts',
};

export const benchCommand: Command = {
  name: 'bench',
  summary: `run a benchmark against real parts and print its figures (${Object.keys(BENCHMARKS).join(', ')}); --json ends with one JSON line`,
  usage: `vigil bench <${Object.keys(BENCHMARKS).join('|')}> [--json] [benchmark options]`,
  async run({ argv, stderr }) {
    const [name, ...rest] = argv;
    const script = name ? BENCHMARKS[name] : undefined;
    if (!script) {
      stderr(`vigil bench: which benchmark? one of: ${Object.keys(BENCHMARKS).join(', ')}`);
      return 2;
    }
    const root = repoRoot();
    // Same Node flags as the workers it measures, so a ceiling measured in this process is fair.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { WORKER_NODE_FLAGS } = require(join(root, 'tools', 'runtime.js')) as { WORKER_NODE_FLAGS: string[] };
    const child = spawn(process.execPath, [...WORKER_NODE_FLAGS, '--expose-gc', join(root, 'tools', 'ts-run.js'), join(root, script), ...rest], { cwd: root, stdio: 'inherit' });
    return new Promise((resolveExit) => child.on('exit', (code) => resolveExit(code ?? 1)));
  },
};
