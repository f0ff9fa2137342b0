import { parseArgs } from 'node:util';
import { defaultActionCatalog } from '@vigil/actions';
import { loadRunbookFolder } from '@vigil/responder';
import { actionCatalogOptions, formatRunbookError, type ParseRunbookOptions, type Runbook, type RunbookTrigger } from '@vigil/runbooks';
import { UsageError, type Command } from './command';
import { configWith } from './config-from-args';

/** One trigger in a line: `anomaly(service=payments, kind=span_red|log_error_surge)`. */
export function describeTrigger(trigger: RunbookTrigger): string {
  const parts: string[] = [];
  switch (trigger.on) {
    case 'anomaly':
      if (trigger.service) parts.push(`service=${trigger.service}`);
      if (trigger.kind) parts.push(`kind=${trigger.kind.join('|')}`);
      if (trigger.signal) parts.push(`signal=${trigger.signal}`);
      break;
    case 'incident':
      if (trigger.severity) parts.push(`severity=${trigger.severity.join('|')}`);
      if (trigger.service) parts.push(`service=${trigger.service}`);
      break;
    case 'alert':
      for (const [label, matcher] of Object.entries(trigger.labels)) parts.push(`${label}=${matcher}`);
      break;
    case 'forecast':
      if (trigger.service) parts.push(`service=${trigger.service}`);
      if (trigger.series) parts.push(`series=${trigger.series}`);
      parts.push(`breach within ${trigger.breachWithinMinutes} min`);
      break;
  }
  return `${trigger.on}(${parts.join(', ')})`;
}

const RISK_MEANING: Record<Runbook['risk'], string> = {
  low: 'runs without approval',
  medium: 'a responder approves',
  high: 'an admin approves',
};

export const runbooksCommand: Command = {
  name: 'runbooks',
  summary: 'check runbook files: `validate [DIR]` prints each problem as file:line:column: path: message, exit 1 if any',
  usage: 'vigil runbooks validate [DIR]   (DIR defaults to VIGIL_RUNBOOKS_DIR, else ./runbooks)',
  async run({ argv, env, stdout, stderr }) {
    const { positionals } = parseArgs({ args: argv, options: {}, strict: true, allowPositionals: true });
    const [sub, dirArg, ...extra] = positionals;
    if (sub !== 'validate') throw new UsageError(sub ? `unknown sub-command '${sub}' (expected validate)` : 'which sub-command? validate');
    if (extra.length > 0) throw new UsageError(`one folder at most, got ${positionals.slice(1).join(' ')}`);
    const dir = configWith(env, { VIGIL_RUNBOOKS_DIR: dirArg }).VIGIL_RUNBOOKS_DIR;

    // The actions this deployment offers: each step's `with` is checked against its action's schema
    // now, not when an incident runs it. Nothing connects anywhere (no cluster, database or URL).
    const options: ParseRunbookOptions = actionCatalogOptions(defaultActionCatalog({ env }));

    let folder;
    try {
      folder = await loadRunbookFolder(dir, options);
    } catch (error) {
      stderr(`vigil runbooks validate: ${(error as Error).message}`);
      return 1;
    }
    for (const { file, runbook } of folder.runbooks) {
      stdout(`ok ${runbook.metadata.name} (${file}): risk ${runbook.risk} (${RISK_MEANING[runbook.risk]}); triggers ${runbook.triggers.map(describeTrigger).join(', ')}`);
    }
    for (const error of folder.errors) stdout(formatRunbookError(error));
    const files = new Set([...folder.runbooks.map((r) => r.file), ...folder.errors.map((e) => e.file)]).size;
    const errors = folder.errors.length;
    stdout(`${dir}: ${files} file${files === 1 ? '' : 's'}, ${folder.runbooks.length} valid runbook${folder.runbooks.length === 1 ? '' : 's'}, ${errors} error${errors === 1 ? '' : 's'}`);
    return errors > 0 ? 1 : 0;
  },
};
