import type { Runbook } from '../runbook.schema';

export type ApproverRole = 'responder' | 'admin';

/**
 * Who must approve before the first action, if anyone: risk `low` runs unattended, `medium`
 * needs a responder, `high` an admin. A demoted runbook (it keeps failing or loops) needs a
 * responder even at `low`. An explicit approval step before the first action already covers it.
 */
export function implicitApproval(runbook: Runbook, demoted: boolean): ApproverRole[] | null {
  const firstAction = runbook.steps.findIndex((s) => s.type === 'action');
  if (firstAction === -1) return null;
  const gated = runbook.steps.slice(0, firstAction).some((s) => s.type === 'approval');
  if (gated) return null;
  if (runbook.risk === 'high') return ['admin'];
  if (runbook.risk === 'medium' || demoted) return ['responder'];
  return null;
}
