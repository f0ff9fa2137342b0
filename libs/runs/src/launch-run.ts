import type { AnomalyEvent } from '@vigil/contracts';
import { checkGuards, planRun, runbookEfficacy, triggerKey, type FinishedRun, type Runbook, type TriggerContext } from '@vigil/runbooks';
import { ACTIVE_RUN_STATUSES, IncidentTimelineRepository, RunbookRunRepository, type Queryable, type StoredRun } from '@vigil/store';
import { createHash } from 'node:crypto';

/** Run events for outbound webhooks (`run.started`, `run.blocked`, …), written in the caller's transaction. */
export type RunEventSink = (tx: Queryable, events: { type: string; id: string; occurredAtMs: number; data: unknown }[]) => Promise<void>;

export interface LaunchOptions {
  dryRun: boolean;
  /** This runbook's runs of the last day (guards, efficacy); the launched run is appended. */
  history: StoredRun[];
  killSwitch: boolean;
  nowMs: number;
  events?: RunEventSink;
  /** Who asked (timeline actor); default the runbook itself. */
  actor?: string;
}

/** Run ids are derived from runbook and trigger occurrence: the same trigger never starts two runs. */
export const runIdFor = (runbook: string, key: string): string => `run-${createHash('sha256').update(`${runbook}\u0000${key}`).digest('hex').slice(0, 20)}`;

/**
 * Starts one run of a runbook for a trigger, inside the caller's transaction: planned (refused
 * when a placeholder value is unsafe), checked against the guard rails with the stored history,
 * and recorded — as `pending`, or as `blocked` with the guard and why — with a timeline entry on
 * the incident and a run event. Null when this runbook already ran for this trigger.
 */
export async function launchRun(tx: Queryable, runbook: Runbook, context: TriggerContext, options: LaunchOptions): Promise<StoredRun | null> {
  const repo = new RunbookRunRepository(tx);
  const name = runbook.metadata.name;
  const key = triggerKey(context);
  const id = runIdFor(name, key);
  const mine = options.history.filter((h) => h.runbook === name);
  if (mine.some((h) => h.triggerKey === key)) return null;
  const efficacy = runbookEfficacy(mine.filter((h) => h.finishedAtMs !== null).map(finishedRun))[0];
  const demoted = efficacy?.demoted ?? null;
  const planned = planRun(runbook, context, { runId: id, demoted: demoted !== null, dryRun: options.dryRun });
  const incidentId = context.incident?.id ?? null;
  const event = context.on === 'anomaly' || context.on === 'alert' ? (context as { event: AnomalyEvent }).event : null;
  const trigger = { on: context.on, key, ...(event ? { fingerprint: event.fingerprint, eventId: event.id, signal: event.signal } : {}), ...(context.on === 'manual' ? { requestedBy: context.requestedBy } : {}) };
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
      killSwitch: options.killSwitch,
      nowMs: options.nowMs,
    });
    if (!decision.allowed) {
      status = 'blocked';
      guard = decision.guard;
      outcome = decision.reason;
    }
  }
  const plan = planned.ok ? planned.plan : { runbook: name, steps: [], rollback: [], targets: [], vars: {}, dryRun: options.dryRun, maxReplicaPercent: null };
  const created = await repo.create({ id, runbook: name, triggerKey: key, trigger, incidentId, fingerprint: event?.fingerprint ?? null, status, blockedGuard: guard, outcome, dryRun: plan.dryRun, plan, targets: status === 'blocked' ? [] : plan.targets });
  if (!created) return null;
  const actor = options.actor ?? `runbook:${name}`;
  if (incidentId) {
    const gate = plan.steps.find((s) => s.type === 'approval');
    const text =
      status === 'blocked'
        ? `Runbook ${name} did not run: guard ${guard}: ${outcome}`
        : `Runbook ${name} started for ${key}${plan.dryRun ? ' (dry run)' : ''}${gate?.type === 'approval' ? `; needs approval by a ${gate.roles.join(' or ')} before it acts` : ''}${demoted ? ` (demoted: ${demoted.reason})` : ''}`;
    await new IncidentTimelineRepository(tx).add([{ incidentId, atMs: options.nowMs, actor, type: status === 'blocked' ? 'run_blocked' : 'run_started', text, data: { runId: id, runbook: name, ...(guard ? { guard } : { targets: plan.targets }) } }]);
  }
  await options.events?.(tx, [{ type: status === 'blocked' ? 'run.blocked' : 'run.started', id: `${id}:start`, occurredAtMs: options.nowMs, data: { runId: id, runbook: name, trigger, incidentId, status, guard, outcome } }]);
  const run = (await repo.get(id)) as StoredRun;
  options.history.push(run);
  return run;
}

export const finishedRun = (r: StoredRun): FinishedRun => ({
  runbook: r.runbook,
  fingerprint: r.fingerprint,
  targets: r.targets,
  outcome: (['succeeded', 'failed', 'rolled_back', 'escalated', 'rejected', 'blocked', 'cancelled'].includes(r.status) ? r.status : 'failed') as FinishedRun['outcome'],
  startedAtMs: r.createdAtMs,
  healedAtMs: r.healedAtMs,
});
