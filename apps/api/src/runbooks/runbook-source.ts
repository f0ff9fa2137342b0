import type { Runbook, RunbookError } from '@vigil/runbooks';

/** The runbooks folder as the responder sees it (provided by the composing process). */
export interface RunbookSource {
  readonly folder: string;
  current(): Promise<{ runbooks: { file: string; runbook: Runbook }[]; errors: RunbookError[] }>;
}
