import type { ActionCatalog } from '@vigil/actions';
import { actionCatalogOptions, type Runbook, type RunbookError } from '@vigil/runbooks';
import { loadRunbookFolder } from './runbook-folder';

export interface LoadedRunbooks {
  runbooks: { file: string; runbook: Runbook }[];
  errors: RunbookError[];
  loadedAtMs: number;
}

/**
 * The runbooks in the configured folder, re-read at most every `refreshMs`: teams change
 * runbooks like code and expect the next incident to use the change. A file with errors is left
 * out (and reported); the others keep working.
 */
export class RunbookLibrary {
  private cache: LoadedRunbooks | undefined;

  constructor(
    readonly folder: string,
    private readonly catalog: ActionCatalog,
    private readonly refreshMs = 30_000,
    /** VIGIL_RUNBOOKS_DRY_RUN, for runs started outside the responder (API, Slack). */
    readonly dryRun = false,
  ) {}

  async current(): Promise<LoadedRunbooks> {
    const now = Date.now();
    if (!this.cache || now - this.cache.loadedAtMs >= this.refreshMs) {
      const loaded = await loadRunbookFolder(this.folder, actionCatalogOptions(this.catalog));
      this.cache = { runbooks: loaded.runbooks, errors: loaded.errors, loadedAtMs: now };
    }
    return this.cache;
  }

  async find(name: string): Promise<Runbook | undefined> {
    return (await this.current()).runbooks.find((r) => r.runbook.metadata.name === name)?.runbook;
  }
}
