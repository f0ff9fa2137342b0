import { ConfigError } from '@vigil/config';
import { UsageError, type Command, type CommandContext } from './command';
import { benchCommand } from './bench.command';
import { detectCommand } from './detect.command';
import { detectWorkerCommand } from './detect-worker.command';
import { responderCommand } from './responder.command';
import { ingestCommand } from './ingest.command';
import { migrateCommand } from './migrate.command';
import { parseLogsCommand } from './parse-logs.command';
import { runbooksCommand } from './runbooks.command';
import { startCommand } from './start.command';

/** Every sub-command, in the order `--help` lists them. Later features add theirs here. */
export const COMMANDS: readonly Command[] = [
  startCommand,
  ingestCommand,
  detectWorkerCommand,
  responderCommand,
  migrateCommand,
  detectCommand,
  parseLogsCommand,
  runbooksCommand,
  benchCommand,
];

export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'vigil: AI-assisted observability and incident response',
    '',
    'Usage: vigil <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Configuration comes from environment variables (see the README); `vigil <command> --help` shows options.',
  ].join('\n');
}

export async function runCli(context: CommandContext): Promise<number> {
  const [name, ...rest] = context.argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    context.stdout(helpText());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    context.stderr(`vigil: unknown command '${name}'\n\n${helpText()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    context.stdout(`Usage: ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  try {
    return await command.run({ ...context, argv: rest });
  } catch (error) {
    if (error instanceof ConfigError) {
      context.stderr(`vigil ${name}: ${error.message}`);
      return 78; // EX_CONFIG
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      context.stderr(`vigil ${name}: ${(error as Error).message}\nUsage: ${command.usage}`);
      return 2;
    }
    context.stderr(`vigil ${name}: ${(error as Error).stack ?? String(error)}`);
    return 1;
  }
}
