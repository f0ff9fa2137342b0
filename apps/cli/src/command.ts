export interface CommandContext {
  argv: string[];
  env: NodeJS.ProcessEnv;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

/** A `vigil` sub-command. Returns the process exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(context: CommandContext): Promise<number>;
}

/** A usage mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  readonly retriable = false;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
