import type { z } from 'zod';

/** What a step knows when it runs. */
export interface ActionContext {
  runId: string;
  /** Idempotency key of this step execution: the same key means "the same step, do not do it twice". */
  stepKey: string;
  /** Plan and log only: the adapter must not change anything (a server-side dry run is fine). */
  dryRun: boolean;
  /** Aborted on timeout or shutdown; adapters pass it to their I/O. */
  signal: AbortSignal;
  /** The already-substituted target, e.g. `deployment/payments`. */
  target: string;
}

export interface ActionResult {
  outcome: 'succeeded' | 'failed';
  /** One line for the timeline: what happened, in the target's terms. */
  detail: string;
  /** Facts a rollback or verification may need (previous replica count, revision, pids…). */
  data?: Record<string, unknown>;
}

/**
 * One kind of remediation. Adapters validate their own parameters (the runbook validator calls
 * `params` at load time, so a typo fails before any incident), never throw for an expected
 * failure (they return `failed` with the reason), and honour `dryRun` and `signal`.
 */
export interface RemediationAction<P = unknown> {
  /** e.g. `kubernetes.rolloutRestart`; the `action:` of a runbook step. */
  readonly type: string;
  readonly params: z.ZodType<P>;
  /** True when the target itself can check the change without making it (Kubernetes dryRun=All, SQL rolled back). */
  readonly serverDryRun: boolean;
  run(params: P, context: ActionContext): Promise<ActionResult>;
}

/** The actions a deployment offers, by type. */
export class ActionCatalog {
  private readonly byType = new Map<string, RemediationAction>();

  constructor(actions: readonly RemediationAction<never>[] = []) {
    for (const action of actions) this.add(action);
  }

  add<P>(action: RemediationAction<P>): void {
    if (this.byType.has(action.type)) throw new Error(`action type ${action.type} registered twice`);
    this.byType.set(action.type, action as unknown as RemediationAction);
  }

  get(type: string): RemediationAction | undefined {
    return this.byType.get(type);
  }

  types(): string[] {
    return [...this.byType.keys()].sort();
  }
}
