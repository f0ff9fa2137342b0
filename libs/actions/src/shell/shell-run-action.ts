import { execFile } from 'node:child_process';
import { z } from 'zod';
import type { ActionContext, ActionResult, RemediationAction } from '../remediation-action';
import { abortReason, failed, succeeded, truncateBytes } from '../support';

/** The program path rule of the runbook's `allowCommands`, checked again here. */
export const ABSOLUTE_COMMAND = /^\/[A-Za-z0-9._/-]+$/;
const OUTPUT_LIMIT = 4096;
/** Output beyond this ends the program (execFile's maxBuffer); what is kept is 4 KiB anyway. */
const MAX_BUFFER = 1024 * 1024;
const KILL_GRACE_MS = 5000;

function commandProblem(command: string): string | undefined {
  if (!ABSOLUTE_COMMAND.test(command)) return `command must be an absolute program path (got ${JSON.stringify(command.slice(0, 100))})`;
  if (command.split('/').some((segment) => segment === '..' || segment === '.')) return 'command must not contain . or .. segments';
  return undefined;
}

function argProblem(args: readonly string[]): string | undefined {
  const index = args.findIndex((arg) => arg.includes('\0'));
  return index >= 0 ? `argument ${index} contains a NUL byte` : undefined;
}

export const shellRunParams = z
  .object({
    command: z.string().max(4096).superRefine((command, ctx) => {
      const problem = commandProblem(command);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    /** Literal arguments, passed to the program as they are: no shell ever sees them. */
    args: z
      .array(z.string().max(4096))
      .max(128)
      .default([])
      .superRefine((args, ctx) => {
        const problem = argProblem(args);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
  })
  .strict();
export type ShellRunParams = z.output<typeof shellRunParams>;

export interface ShellRunOptions {
  /** The whole environment of the program (default: PATH=/usr/sbin:/usr/bin:/sbin:/bin, LANG=C.UTF-8), plus VIGIL_RUN_ID and VIGIL_STEP_KEY. */
  env?: Record<string, string>;
  /** Working directory (default `/`). */
  cwd?: string;
}

export const DEFAULT_SHELL_ENV: Readonly<Record<string, string>> = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' };

interface ExecOutcome {
  error: (Error & { code?: unknown; signal?: NodeJS.Signals | null }) | null;
  stdout: string;
  stderr: string;
}

/**
 * `shell.run`: starts one program from the runbook's allowCommands with literal arguments, via
 * `execFile` (no shell: `;`, `$(…)`, quotes and globs reach the program as text), in a fixed
 * environment, stopped when the step's signal aborts (SIGTERM, then SIGKILL after 5 s). Exit 0 is
 * success; stdout and stderr (first 4 KiB each) go to `data`. A program cannot be dry-run: in a
 * dry run it is not started.
 */
export function createShellRunAction(options: ShellRunOptions = {}): RemediationAction<ShellRunParams> {
  const baseEnv = options.env ?? DEFAULT_SHELL_ENV;
  return {
    type: 'shell.run',
    params: shellRunParams,
    serverDryRun: false,
    async run(params: ShellRunParams, context: ActionContext): Promise<ActionResult> {
      const { command } = params;
      const args = params.args ?? [];
      // Defence in depth: the schema and the runbook validator check these too.
      const refused = typeof command === 'string' ? (commandProblem(command) ?? argProblem(args)) : 'command must be a string';
      if (refused) return failed(`refused: ${refused}`, { command, args, started: false });
      const shown = [command, ...args.map((a) => JSON.stringify(a))].join(' ');
      if (context.dryRun) return succeeded(`dry run: would run ${shown}; not started`, { command, args, started: false, dryRun: true });
      if (context.signal.aborted) return failed(`${abortReason(context.signal)} before ${command} started`, { command, args, started: false });

      const startedAt = Date.now();
      const outcome = await new Promise<ExecOutcome>((resolve) => {
        let killTimer: NodeJS.Timeout | undefined;
        const child = execFile(
          command,
          args,
          { env: { ...baseEnv, VIGIL_RUN_ID: context.runId, VIGIL_STEP_KEY: context.stepKey }, cwd: options.cwd ?? '/', shell: false, signal: context.signal, killSignal: 'SIGTERM', maxBuffer: MAX_BUFFER, windowsHide: true, encoding: 'utf8' },
          (error, stdout, stderr) => {
            if (killTimer) clearTimeout(killTimer);
            context.signal.removeEventListener('abort', onAbort);
            resolve({ error: error as ExecOutcome['error'], stdout: String(stdout ?? ''), stderr: String(stderr ?? '') });
          },
        );
        // execFile sends SIGTERM on abort; a program that ignores it is killed after a grace period.
        function onAbort(): void {
          killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
          killTimer.unref();
        }
        context.signal.addEventListener('abort', onAbort, { once: true });
      });

      const stdout = truncateBytes(outcome.stdout, OUTPUT_LIMIT);
      const stderr = truncateBytes(outcome.stderr, OUTPUT_LIMIT);
      const error = outcome.error;
      const exitCode = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      const data = {
        command,
        args,
        started: !(error && (error.code === 'ENOENT' || error.code === 'EACCES')),
        exitCode,
        signal: error?.signal ?? null,
        durationMs: Date.now() - startedAt,
        stdout: stdout.text,
        stderr: stderr.text,
        stdoutTruncated: stdout.truncated,
        stderrTruncated: stderr.truncated,
      };
      const tail = (text: string): string => {
        const line = text.trim().split('\n').pop() ?? '';
        return line ? `: ${line.slice(0, 200)}` : '';
      };
      if (!error) return succeeded(`${command} exited 0${tail(stdout.text)}`, data);
      if (context.signal.aborted) return failed(`${command} stopped: ${abortReason(context.signal)}`, data);
      if (error.code === 'ENOENT') return failed(`${command}: no such program`, data);
      if (error.code === 'EACCES') return failed(`${command}: not executable`, data);
      if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return failed(`${command} stopped: more than ${MAX_BUFFER} bytes of output`, data);
      if (exitCode !== null) return failed(`${command} exited ${exitCode}${tail(stderr.text) || tail(stdout.text)}`, data);
      return failed(`${command} ended by ${error.signal ?? 'an error'}${error.signal ? '' : `: ${error.message}`}`, data);
    },
  };
}
