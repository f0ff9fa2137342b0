import { IncidentRepository, IncidentTimelineRepository, type Queryable } from '@vigil/store';

/**
 * What a run does to its incident: timeline entries, and `mitigated` once verification saw the
 * signal heal. Changes go through the responder state lock like every incident write, and bump
 * its version so the correlator reloads.
 */
export async function noteOnIncident(tx: Queryable, incidentId: string | null, actor: string, type: string, text: string, data: Record<string, unknown> = {}): Promise<void> {
  if (!incidentId) return;
  await new IncidentTimelineRepository(tx).add([{ incidentId, atMs: Date.now(), actor, type, text, data }]);
}

export async function markMitigated(tx: Queryable, incidentId: string | null, actor: string, why: string): Promise<boolean> {
  if (!incidentId) return false;
  const repo = new IncidentRepository(tx);
  const state = await repo.lockState();
  const incident = await repo.getForUpdate(incidentId);
  if (!incident || incident.mergedInto || (incident.status !== 'triggered' && incident.status !== 'acknowledged')) return false;
  const now = Date.now();
  await repo.update({ ...incident, status: 'mitigated', mitigatedAtMs: now, acknowledgedAtMs: incident.acknowledgedAtMs ?? now, lastActivityMs: Math.max(incident.lastActivityMs, now) });
  await repo.saveState({ ...state, version: state.version + 1 });
  await noteOnIncident(tx, incidentId, actor, 'mitigated', `Mitigated by ${actor}: ${why}`);
  return true;
}

/** Whether the trigger healed: its signal recovered (after the run began), or the incident is past triggered/acknowledged. */
export async function hasHealed(tx: Queryable, run: { incidentId: string | null; fingerprint: string | null; createdAtMs: number }): Promise<boolean> {
  if (run.fingerprint) {
    const { rows } = await tx.query<{ healed: boolean }>(
      `SELECT bool_or(recovered_at IS NOT NULL) AS healed FROM incident_signals WHERE fingerprint = $1 ${run.incidentId ? 'AND incident_id = $2' : ''}`,
      run.incidentId ? [run.fingerprint, run.incidentId] : [run.fingerprint],
    );
    if (rows[0]?.healed) return true;
  }
  if (!run.incidentId) return false;
  const incident = await new IncidentRepository(tx).get(run.incidentId);
  if (!incident) return false;
  if (incident.status === 'resolved') return true;
  if (!run.fingerprint) {
    const signals = await new IncidentRepository(tx).signals(run.incidentId);
    return signals.length > 0 && signals.every((s) => s.recoveredAtMs !== null);
  }
  return false;
}
