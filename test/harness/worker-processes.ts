import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const VIGIL = join(__dirname, '..', '..', 'apps', 'cli', 'bin', 'vigil.js');

/**
 * Worker processes of the compiled product (`vigil ingest`, `vigil detect-worker`), as separate
 * processes the way production runs them, so a suite can kill one with SIGKILL. Whatever is
 * still running when the suite ends is killed. Call at the top of a describe block.
 */
export function useWorkerProcesses(): { start(command: string, env: NodeJS.ProcessEnv): ChildProcess } {
  const running: ChildProcess[] = [];
  afterAll(() => {
    for (const child of running) child.kill('SIGKILL');
  });
  return {
    start(command, env) {
      const child = spawn(process.execPath, [VIGIL, command], { env: { ...process.env, LOG_LEVEL: 'warn', PORT: '0', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      running.push(child);
      return child;
    },
  };
}
