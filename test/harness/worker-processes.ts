import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const VIGIL = join(__dirname, '..', '..', 'apps', 'cli', 'bin', 'vigil.js');

/**
 * Worker processes of the compiled product (`vigil ingest`, `vigil detect-worker`), as separate
 * processes the way production runs them, so a suite can kill one with SIGKILL. Whatever is
 * still running when the suite ends is killed. Call at the top of a describe block.
 */
export function useWorkerProcesses(): { start(command: string, env: NodeJS.ProcessEnv): ChildProcess; stderr(child: ChildProcess): string } {
  const running: ChildProcess[] = [];
  const output = new Map<ChildProcess, string>();
  afterAll(() => {
    for (const child of running) child.kill('SIGKILL');
  });
  return {
    start(command, env) {
      const child = spawn(process.execPath, [VIGIL, command], { env: { ...process.env, LOG_LEVEL: 'warn', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      running.push(child);
      output.set(child, '');
      // Kept (the last 20 kB) so a failing suite can show what its workers said.
      const keep = (chunk: Buffer) => output.set(child, ((output.get(child) ?? '') + chunk.toString('utf8')).slice(-20_000));
      // pino writes to stdout: keep both.
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      return child;
    },
    stderr: (child) => output.get(child) ?? '',
  };
}
