import { implicitApproval, type ApproverRole } from '../guards/approval-policy';
import type { Runbook, RunbookCheck } from '../runbook.schema';
import { substitutePlaceholders } from '../runbook-templates';
import { serviceOf, type TriggerContext } from './trigger-context';

export interface PlannedAction {
  name: string;
  action: string;
  params: Record<string, unknown>;
  target: string;
}

export type PlannedStep =
  | { type: 'approval'; name: string; roles: ApproverRole[]; timeoutMinutes: number; onTimeout: 'escalate' | 'reject'; implicit: boolean }
  | (PlannedAction & {
      type: 'action';
      timeoutSeconds: number;
      retries: number;
      precondition: RunbookCheck | null;
      postcondition: RunbookCheck | null;
      rollback: Omit<PlannedAction, 'name'> | null;
      onFailure: 'rollback' | 'continue' | 'escalate';
    })
  | { type: 'wait'; name: string; minutes: number }
  | { type: 'verify'; name: string; withinMinutes: number };

export interface RunPlan {
  runbook: string;
  steps: PlannedStep[];
  /** The runbook's own rollback steps, run after the per-step inverses. */
  rollback: PlannedAction[];
  targets: string[];
  vars: Record<string, string>;
  dryRun: boolean;
  /** Blast radius in replicas: checked at execution with a server-side dry run of each scaling step. */
  maxReplicaPercent: number | null;
}

export type PlanResult = { ok: true; plan: RunPlan } | { ok: false; reason: string };

/**
 * A runbook made concrete for one trigger: placeholders substituted (values that are not plain
 * names refuse the plan: telemetry cannot inject into commands), the approval gate its risk
 * requires inserted before the first action, and the targets it will touch listed for the guards.
 */
export function planRun(runbook: Runbook, context: TriggerContext, options: { runId: string; demoted: boolean; dryRun: boolean }): PlanResult {
  const incident = context.incident;
  const vars: Record<string, string> = {
    service: serviceOf(context),
    runbook: runbook.metadata.name,
    'run.id': options.runId,
    ...(incident ? { 'incident.id': incident.id, 'incident.number': String(incident.number) } : {}),
  };
  const fill = <T>(value: T, where: string): T => {
    const result = substitutePlaceholders(value, vars);
    if (!result.ok) throw new PlanRefused(`${where}: ${result.reason}`);
    return result.value as T;
  };
  try {
    const steps: PlannedStep[] = [];
    const gate = implicitApproval(runbook, options.demoted);
    runbook.steps.forEach((step, i) => {
      if (gate && step.type === 'action' && !steps.some((s) => s.type === 'approval')) {
        steps.push({ type: 'approval', name: 'approve-run', roles: gate, timeoutMinutes: 30, onTimeout: 'escalate', implicit: true });
      }
      const at = `steps[${i}] ${step.name}`;
      switch (step.type) {
        case 'action':
          steps.push({
            type: 'action',
            name: step.name,
            action: step.action,
            params: fill(step.with, `${at} with`),
            target: fill(step.target, `${at} target`),
            timeoutSeconds: step.timeoutSeconds,
            retries: step.retries,
            precondition: step.precondition ?? null,
            postcondition: step.postcondition ?? null,
            rollback: step.rollback ? { action: step.rollback.action, params: fill(step.rollback.with, `${at} rollback`), target: fill(step.target, `${at} target`) } : null,
            onFailure: step.onFailure,
          });
          break;
        case 'approval':
          steps.push({ type: 'approval', name: step.name, roles: [...step.roles], timeoutMinutes: step.timeoutMinutes, onTimeout: step.onTimeout, implicit: false });
          break;
        case 'wait':
          steps.push({ type: 'wait', name: step.name, minutes: step.minutes });
          break;
        case 'verify':
          steps.push({ type: 'verify', name: step.name, withinMinutes: step.withinMinutes });
          break;
      }
    });
    const rollback = runbook.rollback.map((r, i) => ({ name: r.name, action: r.action, params: fill(r.with, `rollback[${i}] with`), target: fill(r.target, `rollback[${i}] target`) }));
    const targets = [...new Set(steps.flatMap((s) => (s.type === 'action' ? [s.target] : [])))];
    return { ok: true, plan: { runbook: runbook.metadata.name, steps, rollback, targets, vars, dryRun: options.dryRun || runbook.dryRun, maxReplicaPercent: runbook.guards.blastRadius.maxReplicaPercent ?? null } };
  } catch (error) {
    if (error instanceof PlanRefused) return { ok: false, reason: error.message };
    throw error;
  }
}

class PlanRefused extends Error {}
