import type { AnomalyEvent } from '@vigil/contracts';
import { checkGuards, planRun, runbookEfficacy, triggerKey, triggerMatches, type FinishedRun, type IncidentFacts, type Runbook, type TriggerContext } from '@vigil/runbooks';
import { ACTIVE_RUN_STATUSES, RunbookRunRepository, type Queryable, type StoredIncident, type StoredRun } from '@vigil/store';
import { createHash } from 'node:crypto';
import { noteOnIncident } from './incident-effects';
import type { RunbookLibrary } from './runbook-library';
import { NO_RUN_EVENTS, type RunEventSink } from './run-notifier';

const DAY = 86_400_000;

export interface ScheduleInput {
  /** Fresh, not suppressed anomaly and alert events of the batch, with the incident each joined. */
  signals: { event: AnomalyEvent; incident: StoredIncident | null }[];
  /** Incidents the batch changed. */
  incidents: StoredIncident[];
}

const facts = (i: StoredIncident): IncidentFacts => ({ id: i.id, number: i.number, severity: i.severity, services: i.services, status: i.status });

/**
 * Decides which runbooks run for what a responder batch saw, inside the batch's transaction: one
 * run per runbook and trigger occurrence (a unique key, so a redelivered batch or a second
 * responder cannot start it twice), guard rails checked against the stored history, and a run a
 * guard stops recorded as `blocked` with the guard and why — on the incident's timeline too.
 */
export class RunScheduler {
  constructor(
    private readonly library: RunbookLibrary,
    private readonly options: { dryRun: boolean; events?: RunEventSink; onScheduled?: () => void },
  ) {}

  async schedule(tx: Queryable, input: ScheduleInput, nowMs = Date.now()): Promise<StoredRun[]> {
    const contexts: TriggerContext[] = [];
    for (const { event, incident } of input.signals) {
      if (event.status !== 'open') continue;
      contexts.push({ on: event.kind === 'alert' ? 'alert' : 'anomaly', event, incident: incident && !incident.mergedInto ? facts(incident) : null });
    }
    for (const incident of input.incidents) if (!incident.mergedInto && incident.status !== 'resolved' && !incident.suppressedBy) contexts.push({ on: 'incident', incident: facts(incident) });
    const { runbooks } = await this.library.current();
    const matches = contexts.flatMap((context) => runbooks.filter(({ runbook }) => runbook.triggers.some((t) => triggerMatches(t, context))).map(({ runbook }) => ({ runbook, context })));
    if (matches.length === 0) return [];
    const repo = new RunbookRunRepository(tx);
    const names = [...new Set(matches.map((m) => m.runbook.metadata.name))];
    const history = await repo.recent(nowMs - DAY, names);
    const killSwitch = (await repo.killSwitch()).on;
    const created: StoredRun[] = [];
    for (const { runbook, context } of matches) {
      const run = await this.start(repo, tx, runbook, context, history, killSwitch, nowMs);
      if (run) {
        created.push(run);
        history.push(run);
      }
    }
    if (created.some((r) => r.status === 'pending')) this.options.onScheduled?.();
    return created;
  }

  private async start(repo: RunbookRunRepository, tx: Queryable, runbook: Runbook, context: TriggerContext, history: StoredRun[], killSwitch: boolean, nowMs: number): Promise<StoredRun | null> {
    const name = runbook.metadata.name;
    const key = triggerKey(context);
    const id = `run-${createHash('sha256').update(`${name}\u0000${key}`).digest('hex').slice(0, 20)}`;
    const mine = history.filter((h) => h.runbook === name);
    if (mine.some((h) => h.triggerKey === key)) return null;
    const efficacy = runbookEfficacy(mine.filter((h) => h.finishedAtMs !== null).map(toFinished))[0];
    const planned = planRun(runbook, context, { runId: id, demoted: efficacy?.demoted !== null && efficacy?.demoted !== undefined, dryRun: this.options.dryRun });
    const incidentId = context.incident?.id ?? null;
    const fingerprint = context.on === 'anomaly' || context.on === 'alert' ? context.event.fingerprint : null;
    const trigger = { on: context.on, key, ...(fingerprint ? { fingerprint, eventId: (context as { event: AnomalyEvent }).event.id, signal: (context as { event: AnomalyEvent }).event.signal } : {}) };
    let status: StoredRun['status'] = 'pending';
    let guard: string | null = null;
    let outcome = '';
    if (!planned.ok) {
      status = 'blocked';
      guard = 'unsafe_input';
      outcome = `refused to plan: ${planned.reason}`;
    } else {
      const decision = checkGuards({
        runbook: name,
        guards: runbook.guards,
        targets: planned.plan.targets,
        // Blocked runs do not count against pace limits: only runs that were allowed to act do.
        history: mine.filter((h) => h.status !== 'blocked').map((h) => ({ runbook: h.runbook, targets: h.targets, startedAtMs: h.createdAtMs, active: ACTIVE_RUN_STATUSES.includes(h.status) })),
        killSwitch,
        nowMs,
      });
      if (!decision.allowed) {
        status = 'blocked';
        guard = decision.guard;
        outcome = decision.reason;
      }
    }
    const plan = planned.ok ? planned.plan : { runbook: name, steps: [], rollback: [], targets: [], vars: {}, dryRun: this.options.dryRun, maxReplicaPercent: null };
    const created = await repo.create({ id, runbook: name, triggerKey: key, trigger, incidentId, fingerprint, status, blockedGuard: guard, outcome, dryRun: plan.dryRun, plan, targets: status === 'blocked' ? [] : plan.targets });
    if (!created) return null;
    const actor = `runbook:${name}`;
    if (status === 'blocked') {
      await noteOnIncident(tx, incidentId, actor, 'run_blocked', `Runbook ${name} did not run: guard ${guard}: ${outcome}`, { runId: id, guard });
    } else {
      const gate = plan.steps.find((s) => s.type === 'approval');
      await noteOnIncident(tx, incidentId, actor, 'run_started', `Runbook ${name} started for ${key}${plan.dryRun ? ' (dry run)' : ''}${gate ? `; needs approval by a ${gate.type === 'approval' ? gate.roles.join(' or ') : ''} before it acts` : ''}${efficacy?.demoted ? ` (demoted: ${efficacy.demoted.reason})` : ''}`, { runId: id, targets: plan.targets });
    }
    await (this.options.events ?? NO_RUN_EVENTS)(tx, [{ type: status === 'blocked' ? 'run.blocked' : 'run.started', id: `${id}:start`, occurredAtMs: nowMs, data: { runId: id, runbook: name, trigger, incidentId, status, guard, outcome } }]);
    return (await repo.get(id)) as StoredRun;
  }
}

export const toFinished = (r: StoredRun): FinishedRun => ({
  runbook: r.runbook,
  fingerprint: r.fingerprint,
  targets: r.targets,
  outcome: (['succeeded', 'failed', 'rolled_back', 'escalated', 'rejected', 'blocked', 'cancelled'].includes(r.status) ? r.status : 'failed') as FinishedRun['outcome'],
  startedAtMs: r.createdAtMs,
  healedAtMs: r.healedAtMs,
});
