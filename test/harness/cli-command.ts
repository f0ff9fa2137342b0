import { COMMANDS } from '@vigil/cli';

/**
 * Runs a `vigil` sub-command object in-process, as the CLI would (same parsing, same code), with
 * what it prints collected. Usage errors throw, as they do before the CLI turns them into exit 2.
 */
export async function runVigilCommand(name: string, argv: string[]): Promise<{ code: number; out: string[] }> {
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new Error(`no vigil command named ${name}`);
  const out: string[] = [];
  const code = await command.run({ argv, env: {}, stdout: (l) => out.push(l), stderr: (l) => out.push(l) });
  return { code, out };
}
