import type { ActionCatalog, ActionResult, RemediationAction } from '@vigil/actions';
import type { PlannedAction, PlannedStep, RunPlan } from '@vigil/runbooks';
import { AuditLogRepository, RunbookRunRepository, type Database, type StoredRun, type StoredRunStep } from '@vigil/store';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { hasHealed, markMitigated, noteOnIncident } from './incident-effects';
import { failedCheck } from './run-checks';
import { NO_RUN_EVENTS, type RunEventSink } from './run-notifier';

export interface RunExecutorOptions {
  /** How long a claimed run is this worker's before another may take it over (it is extended around long actions). */
  leaseMs: number;
  /** Idle wait between polls for due runs. */
  pollMs: number;
  /** How often a verify step looks at its signal. */
  verifyPollMs: number;
  events?: RunEventSink;
}

type ExecStep = PlannedStep | (PlannedAction & { type: 'action'; rollbackOf: string | null });
const MINUTE = 60_000;

/**
 * Executes runbook runs, one step at a time, durably: a step is recorded (with its idempotency
 * key) and written to the audit log before it acts, and its result is recorded before the run
 * moves on. Runs are claimed with leases (`FOR UPDATE SKIP LOCKED`), so any number of responders
 * share the work; a worker that dies mid-step loses its lease and another resumes the run,
 * repeating only the step in flight, with the same idempotency key (targets dedupe on it).
 */
export class RunExecutor {
  readonly owner = `executor-${randomUUID()}`;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private readonly events: RunEventSink;

  constructor(
    private readonly db: Database,
    private readonly catalog: ActionCatalog,
    private readonly logger: Logger,
    private readonly options: RunExecutorOptions,
  ) {
    this.events = options.events ?? NO_RUN_EVENTS;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** A run became due (scheduled, approved): look now rather than at the next poll. */
  nudge(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.loop;
  }

  /** Processes due steps until none is due; true when it did anything. */
  async drain(): Promise<boolean> {
    let any = false;
    while (!this.stopping && (await this.tick())) any = true;
    return any;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        if (await this.tick()) continue;
      } catch (error) {
        this.logger.error({ err: error }, 'runbook executor step failed; retrying after a pause');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs);
        timer.unref();
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async tick(): Promise<boolean> {
    const run = await this.db.transaction((tx) => new RunbookRunRepository(tx).claimDue(this.owner, this.options.leaseMs));
    if (!run) return false;
    await this.step(run);
    return true;
  }

  private stepsOf(run: StoredRun, done: readonly StoredRunStep[]): ExecStep[] {
    const plan = run.plan as RunPlan;
    if (run.phase === 'main') return plan.steps;
    // Undo what was done, newest first, then the runbook's own rollback steps.
    const inverses: ExecStep[] = [];
    for (const s of [...done].filter((d) => d.phase === 'main' && d.type === 'action' && d.status === 'succeeded').sort((a, b) => b.idx - a.idx)) {
      const planned = plan.steps[s.idx];
      if (planned?.type === 'action' && planned.rollback) inverses.push({ type: 'action', name: `undo-${planned.name}`, ...planned.rollback, rollbackOf: planned.name });
    }
    return [...inverses, ...plan.rollback.map((r) => ({ type: 'action' as const, ...r, rollbackOf: null }))];
  }

  private async step(run: StoredRun): Promise<void> {
    const plan = run.plan as RunPlan;
    const done = await new RunbookRunRepository(this.db).steps(run.id);
    const steps = this.stepsOf(run, done);
    const idx = run.currentStep;
    const actor = `runbook:${plan.runbook}`;
    if (idx >= steps.length) return this.finish(run, actor);
    const step = steps[idx] as ExecStep;
    const record = done.find((d) => d.phase === run.phase && d.idx === idx);
    const key = `${run.id}:${run.phase}:${idx}`;
    switch (step.type) {
      case 'approval':
        return this.approval(run, step, idx, actor);
      case 'wait': {
        if (!record) {
          await this.db.transaction(async (tx) => {
            const repo = new RunbookRunRepository(tx);
            await repo.startStep({ runId: run.id, phase: run.phase, idx, name: step.name, type: 'wait', action: null, target: null, idempotencyKey: key }, 'waiting');
            await mustAdvance(repo, run.id, this.owner, { status: 'running', phase: run.phase, currentStep: idx, nextAtMs: Date.now() + step.minutes * MINUTE });
          });
          return;
        }
        return this.complete(run, idx, { status: 'succeeded', detail: `waited ${step.minutes} min` }, actor, null);
      }
      case 'verify':
        return this.verify(run, step, idx, record, actor, key);
      case 'action':
        return this.action(run, step, idx, record, actor, key);
    }
  }

  private async approval(run: StoredRun, step: Extract<PlannedStep, { type: 'approval' }>, idx: number, actor: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const repo = new RunbookRunRepository(tx);
      const existing = await repo.approval(run.id, idx);
      if (!existing) {
        const timeoutAtMs = Date.now() + step.timeoutMinutes * MINUTE;
        await repo.requestApproval({ runId: run.id, stepIdx: idx, stepName: step.name, roles: step.roles, timeoutAtMs });
        await repo.startStep({ runId: run.id, phase: run.phase, idx, name: step.name, type: 'approval', action: null, target: null, idempotencyKey: `${run.id}:${run.phase}:${idx}` }, 'waiting');
        await mustAdvance(repo, run.id, this.owner, { status: 'waiting_approval', phase: run.phase, currentStep: idx, nextAtMs: timeoutAtMs });
        await noteOnIncident(tx, run.incidentId, actor, 'approval_requested', `Runbook ${(run.plan as RunPlan).runbook} waits for approval by a ${step.roles.join(' or ')} (step ${step.name}; run ${run.id}; times out in ${step.timeoutMinutes} min)`, { runId: run.id, step: step.name, roles: step.roles });
        await this.events(tx, [{ type: 'run.approval_requested', id: `${run.id}:approval:${idx}`, occurredAtMs: Date.now(), data: { runId: run.id, runbook: run.runbook, step: step.name, roles: step.roles, incidentId: run.incidentId } }]);
        return;
      }
      if (existing.status === 'pending' && Date.now() >= existing.timeoutAtMs) {
        await repo.decide(run.id, idx, 'timed_out', 'vigil', `no decision within ${step.timeoutMinutes} min`);
        existing.status = 'timed_out';
      }
      if (existing.status === 'pending') {
        await mustAdvance(repo, run.id, this.owner, { status: 'waiting_approval', phase: run.phase, currentStep: idx, nextAtMs: existing.timeoutAtMs });
        return;
      }
      if (existing.status === 'approved') {
        await repo.finishStep(run.id, run.phase, idx, { status: 'succeeded', detail: `approved by ${existing.decidedBy}` });
        await mustAdvance(repo, run.id, this.owner, { status: 'running', phase: run.phase, currentStep: idx + 1, nextAtMs: Date.now() });
        return;
      }
      const escalate = existing.status === 'timed_out' && step.onTimeout === 'escalate';
      const outcome = existing.status === 'rejected' ? `rejected by ${existing.decidedBy}${existing.comment ? `: ${existing.comment}` : ''}` : `approval timed out after ${step.timeoutMinutes} min`;
      await repo.finishStep(run.id, run.phase, idx, { status: 'failed', detail: outcome });
      await mustAdvance(repo, run.id, this.owner, { status: escalate ? 'escalated' : 'rejected', phase: run.phase, currentStep: idx, nextAtMs: Date.now(), outcome, finished: true });
      await noteOnIncident(tx, run.incidentId, actor, escalate ? 'run_escalated' : 'run_rejected', `Runbook ${run.runbook}: ${outcome}${escalate ? '; escalated to a human' : ''}`, { runId: run.id });
      await this.events(tx, [{ type: escalate ? 'run.escalated' : 'run.finished', id: `${run.id}:end`, occurredAtMs: Date.now(), data: { runId: run.id, runbook: run.runbook, status: escalate ? 'escalated' : 'rejected', outcome } }]);
    });
  }

  private async verify(run: StoredRun, step: Extract<PlannedStep, { type: 'verify' }>, idx: number, record: StoredRunStep | undefined, actor: string, key: string): Promise<void> {
    const now = Date.now();
    let until = Number(record?.data['until'] ?? 0);
    if (!record) {
      until = now + step.withinMinutes * MINUTE;
      await this.db.transaction(async (tx) => {
        const repo = new RunbookRunRepository(tx);
        await repo.startStep({ runId: run.id, phase: run.phase, idx, name: step.name, type: 'verify', action: null, target: null, idempotencyKey: key }, 'waiting');
        await repo.updateStepData(run.id, run.phase, idx, { until });
      });
    }
    if (run.dryRun) return this.complete(run, idx, { status: 'succeeded', detail: 'dry run: nothing was changed, so nothing to verify' }, actor, null);
    const healed = await this.db.transaction((tx) => hasHealed(tx, run));
    if (healed) return this.complete(run, idx, { status: 'succeeded', detail: `the signal healed within ${step.withinMinutes} min` }, actor, null, true);
    if (now < until) {
      await mustAdvance(new RunbookRunRepository(this.db), run.id, this.owner, { status: 'verifying', phase: run.phase, currentStep: idx, nextAtMs: Math.min(until, now + this.options.verifyPollMs) });
      return;
    }
    return this.complete(run, idx, { status: 'failed', detail: `the signal did not heal within ${step.withinMinutes} min` }, actor, 'rollback');
  }

  private async action(run: StoredRun, step: Extract<ExecStep, { type: 'action' }>, idx: number, record: StoredRunStep | undefined, actor: string, key: string): Promise<void> {
    if (record && (record.status === 'succeeded' || record.status === 'failed' || record.status === 'skipped')) {
      // Done before a crash, not yet moved past: move on without acting again.
      const onFailure = 'onFailure' in step ? step.onFailure : 'continue';
      return this.complete(run, idx, { status: record.status, detail: record.detail, data: record.data }, actor, record.status === 'failed' ? onFailure : null, false, true);
    }
    const adapter = this.catalog.get(step.action);
    // Written before anything happens: the audit log shows every attempt, even one cut short.
    const started = await this.db.transaction(async (tx) => {
      const repo = new RunbookRunRepository(tx);
      const s = await repo.startStep({ runId: run.id, phase: run.phase, idx, name: step.name, type: 'action', action: step.action, target: step.target, idempotencyKey: key });
      await new AuditLogRepository(tx).record({
        actor,
        actorRole: null,
        action: 'runbook.step.start',
        targetType: 'runbook_run',
        targetId: run.id,
        before: null,
        after: { step: step.name, phase: run.phase, action: step.action, target: step.target, params: step.params, idempotencyKey: key, attempt: s.attempts, dryRun: run.dryRun },
      });
      return s;
    });
    const timeoutSeconds = 'timeoutSeconds' in step ? step.timeoutSeconds : 60;
    const retries = 'retries' in step ? step.retries : 0;
    // Heartbeat: the lease stays short (a dead worker's run moves on quickly) and is renewed
    // while the action runs, however long it takes.
    const heartbeat = setInterval(() => void this.extendLease(run.id).catch(() => undefined), Math.max(100, Math.floor(this.options.leaseMs / 3)));
    const controller = new AbortController();
    let result: ActionResult;
    try {
      const pre = 'precondition' in step ? await failedCheck(this.db, step.precondition, run, controller.signal) : null;
      if (pre) result = { outcome: 'failed', detail: `precondition not met: ${pre}` };
      else if (!adapter) result = { outcome: 'failed', detail: `no action ${step.action} in this deployment (have: ${this.catalog.types().join(', ')})` };
      else {
        const params = adapter.params.safeParse(step.params);
        if (!params.success) result = { outcome: 'failed', detail: `invalid parameters for ${step.action}: ${params.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
        else {
          result = { outcome: 'failed', detail: 'not run' };
          const radius = await this.replicaRadius(run, adapter, params.data, key, step.target, controller.signal);
          if (radius) result = { outcome: 'failed', detail: radius };
          for (let attempt = 0; attempt <= retries && !radius; attempt++) {
            const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(timeoutSeconds * 1000)]);
            try {
              result = await adapter.run(params.data, { runId: run.id, stepKey: key, dryRun: run.dryRun, signal, target: step.target });
            } catch (error) {
              result = { outcome: 'failed', detail: `${step.action} threw: ${(error as Error).message}` };
            }
            if (result.outcome === 'succeeded') break;
          }
          if (result.outcome === 'succeeded' && !run.dryRun && 'postcondition' in step) {
            const post = await failedCheck(this.db, step.postcondition, run, controller.signal);
            if (post) result = { outcome: 'failed', detail: `${result.detail}; postcondition not met: ${post}`, ...(result.data ? { data: result.data } : {}) };
          }
        }
      }
    } finally {
      clearInterval(heartbeat);
    }
    const onFailure = 'onFailure' in step ? step.onFailure : 'continue';
    const status = result.outcome === 'succeeded' ? 'succeeded' : 'failed';
    await this.complete(run, idx, { status, detail: `${run.dryRun ? '[dry run] ' : ''}${result.detail}`, ...(result.data ? { data: result.data } : {}) }, actor, status === 'failed' ? onFailure : null, false, false, { step, key, attempt: started.attempts });
  }

  /**
   * Records a step's end and moves the run on, in one transaction with the timeline entry, the
   * audit record and the run event. `failure` says what a failed step leads to.
   */
  private async complete(
    run: StoredRun,
    idx: number,
    result: { status: 'succeeded' | 'failed' | 'skipped'; detail: string; data?: Record<string, unknown> },
    actor: string,
    failure: 'rollback' | 'continue' | 'escalate' | null,
    healed = false,
    alreadyRecorded = false,
    action?: { step: Extract<ExecStep, { type: 'action' }>; key: string; attempt: number },
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      const repo = new RunbookRunRepository(tx);
      if (!alreadyRecorded) await repo.finishStep(run.id, run.phase, idx, result);
      if (action) {
        const { step, key } = action;
        await new AuditLogRepository(tx).record({ actor, actorRole: null, action: 'runbook.step.finish', targetType: 'runbook_run', targetId: run.id, before: null, after: { step: step.name, idempotencyKey: key, outcome: result.status, detail: result.detail } });
        await noteOnIncident(tx, run.incidentId, actor, 'action', `${step.name}: ${step.action} on ${step.target} ${result.status} — ${result.detail}`, {
          runId: run.id, action: step.action, target: step.target, outcome: result.status, idempotencyKey: key, phase: run.phase,
        });
        await this.events(tx, [{ type: 'run.step', id: `${key}:${result.status}`, occurredAtMs: Date.now(), data: { runId: run.id, runbook: run.runbook, step: step.name, action: step.action, target: step.target, outcome: result.status, detail: result.detail, idempotencyKey: key } }]);
      }
      if (healed) {
        await noteOnIncident(tx, run.incidentId, actor, 'run_verified', `Runbook ${run.runbook} verified: ${result.detail}`, { runId: run.id });
        await markMitigated(tx, run.incidentId, actor, `runbook ${run.runbook} healed the signal`);
      }
      const next = { phase: run.phase, currentStep: idx + 1, nextAtMs: Date.now(), ...(healed ? { healedAtMs: Date.now() } : {}) };
      if (result.status !== 'failed' || failure === 'continue') {
        await mustAdvance(repo, run.id, this.owner, { status: run.phase === 'main' ? 'running' : 'rolling_back', ...next });
      } else if (failure === 'rollback' && run.phase === 'main') {
        await mustAdvance(repo, run.id, this.owner, { status: 'rolling_back', phase: 'rollback', currentStep: 0, nextAtMs: Date.now(), outcome: `step ${idx + 1} failed: ${result.detail}` });
        await noteOnIncident(tx, run.incidentId, actor, 'run_rolling_back', `Runbook ${run.runbook}: step failed (${result.detail}); rolling back`, { runId: run.id });
      } else {
        // Escalate, or a rollback step itself failed: stop here, a human takes over.
        const outcome = run.phase === 'rollback' ? `rollback step failed: ${result.detail}` : `step ${idx + 1} failed: ${result.detail}`;
        await mustAdvance(repo, run.id, this.owner, { status: 'escalated', phase: run.phase, currentStep: idx, nextAtMs: Date.now(), outcome, finished: true });
        await noteOnIncident(tx, run.incidentId, actor, 'run_escalated', `Runbook ${run.runbook} escalated: ${outcome}`, { runId: run.id });
        await this.events(tx, [{ type: 'run.escalated', id: `${run.id}:end`, occurredAtMs: Date.now(), data: { runId: run.id, runbook: run.runbook, status: 'escalated', outcome } }]);
      }
    });
  }

  private async finish(run: StoredRun, actor: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const repo = new RunbookRunRepository(tx);
      const rolledBack = run.phase === 'rollback';
      const status = rolledBack ? 'rolled_back' : 'succeeded';
      const outcome = rolledBack ? `${run.outcome || 'failed'}; rolled back, escalated to a human` : run.dryRun ? 'dry run completed: nothing was changed' : 'completed';
      await mustAdvance(repo, run.id, this.owner, { status, phase: run.phase, currentStep: run.currentStep, nextAtMs: Date.now(), outcome, finished: true });
      await noteOnIncident(tx, run.incidentId, actor, rolledBack ? 'run_escalated' : 'run_succeeded', `Runbook ${run.runbook} ${rolledBack ? 'rolled back' : 'succeeded'}: ${outcome}`, { runId: run.id });
      await this.events(tx, [{ type: rolledBack ? 'run.escalated' : 'run.finished', id: `${run.id}:end`, occurredAtMs: Date.now(), data: { runId: run.id, runbook: run.runbook, status, outcome } }]);
    });
  }

  /**
   * The blast-radius guard in replicas: before a real scaling change, the target's own server-side
   * dry run says how many replicas there are and how many would change. Null when within bounds.
   */
  private async replicaRadius(run: StoredRun, adapter: RemediationAction, params: unknown, key: string, target: string, signal: AbortSignal): Promise<string | null> {
    const limit = (run.plan as RunPlan).maxReplicaPercent;
    if (limit === null || limit === undefined || run.dryRun || !adapter.serverDryRun) return null;
    const probe = await adapter.run(params, { runId: run.id, stepKey: `${key}:probe`, dryRun: true, signal, target });
    const current = Number(probe.data?.['replicas']);
    const next = Number(probe.data?.['targetReplicas']);
    if (!Number.isFinite(current) || !Number.isFinite(next) || current <= 0) return null;
    const touched = Math.abs(next - current);
    const percent = (100 * touched) / current;
    return percent > limit ? `guard blast_radius: would change ${touched} of ${current} replicas (${Math.round(percent)}%); at most ${limit}% allowed` : null;
  }

  private async extendLease(id: string): Promise<void> {
    await this.db.query(`UPDATE runbook_runs SET lease_until = now() + ($3::float8 / 1000) * interval '1 second' WHERE id = $1 AND lease_owner = $2`, [id, this.owner, this.options.leaseMs]);
  }
}

/** Another worker took the run over (this one's lease ran out): nothing this worker did in the transaction may count. */
class LeaseLost extends Error {}

async function mustAdvance(repo: RunbookRunRepository, id: string, owner: string, change: Parameters<RunbookRunRepository['advance']>[2]): Promise<void> {
  if (!(await repo.advance(id, owner, change))) throw new LeaseLost(`lost the lease on run ${id}; another responder resumes it`);
}
