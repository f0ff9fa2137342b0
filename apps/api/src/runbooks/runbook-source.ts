import type { Runbook, RunbookError } from '@vigil/runbooks';

/** The runbooks folder as the responder sees it (provided by the composing process). */
export interface RunbookSource {
  readonly folder: string;
  /** VIGIL_RUNBOOKS_DRY_RUN: runs started here only plan and log. */
  readonly dryRun?: boolean;
  current(): Promise<{ runbooks: { file: string; runbook: Runbook }[]; errors: RunbookError[] }>;
}
