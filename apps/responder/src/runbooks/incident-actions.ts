import type { ActionContext, ActionResult, RemediationAction } from '@vigil/actions';
import { IncidentRepository, RunbookRunRepository, type Database } from '@vigil/store';
import { incidentNoteParams, incidentUpdateParams } from '@vigil/runbooks';
import type { z } from 'zod';
import { markMitigated, noteOnIncident } from './incident-effects';

const noteParams = incidentNoteParams;
const updateParams = incidentUpdateParams;

async function incidentOfRun(db: Database, runId: string): Promise<string | null> {
  return (await new RunbookRunRepository(db).get(runId))?.incidentId ?? null;
}

/** `incident.note`: a line on the run's incident timeline. */
export function incidentNoteAction(db: Database): RemediationAction<z.output<typeof noteParams>> {
  return {
    type: 'incident.note',
    params: noteParams,
    serverDryRun: false,
    async run(params, context: ActionContext): Promise<ActionResult> {
      const incidentId = await incidentOfRun(db, context.runId);
      if (!incidentId) return { outcome: 'failed', detail: 'the run has no incident to note on' };
      if (context.dryRun) return { outcome: 'succeeded', detail: `would note: ${params.text}` };
      await db.transaction((tx) => noteOnIncident(tx, incidentId, `run:${context.runId}`, 'note', params.text, { stepKey: context.stepKey }));
      return { outcome: 'succeeded', detail: 'noted on the incident' };
    },
  };
}

/** `incident.update`: moves the run's incident on (acknowledged, mitigated, resolved) or sets its severity. */
export function incidentUpdateAction(db: Database): RemediationAction<z.output<typeof updateParams>> {
  return {
    type: 'incident.update',
    params: updateParams,
    serverDryRun: false,
    async run(params, context: ActionContext): Promise<ActionResult> {
      const incidentId = await incidentOfRun(db, context.runId);
      if (!incidentId) return { outcome: 'failed', detail: 'the run has no incident to update' };
      if (context.dryRun) return { outcome: 'succeeded', detail: `would set ${JSON.stringify(params)}` };
      const actor = `run:${context.runId}`;
      return db.transaction(async (tx) => {
        if (params.status === 'mitigated') await markMitigated(tx, incidentId, actor, params.note ?? 'set by runbook');
        const repo = new IncidentRepository(tx);
        const state = await repo.lockState();
        const incident = await repo.getForUpdate(incidentId);
        if (!incident) return { outcome: 'failed', detail: `incident ${incidentId} is gone` };
        const now = Date.now();
        const next = { ...incident };
        if (params.status === 'acknowledged' && incident.status === 'triggered') Object.assign(next, { status: 'acknowledged', acknowledgedAtMs: now });
        if (params.status === 'resolved' && incident.status !== 'resolved') Object.assign(next, { status: 'resolved', resolvedAtMs: now, resolvedBy: actor, resolution: params.note ?? 'resolved by runbook' });
        if (params.severity && params.severity !== incident.severity) Object.assign(next, { severity: params.severity, severitySource: 'human', severityReason: `set by ${actor}` });
        await repo.update(next);
        await repo.saveState({ ...state, version: state.version + 1 });
        await noteOnIncident(tx, incidentId, actor, 'incident_updated', `Runbook set ${JSON.stringify(params)}`, { stepKey: context.stepKey });
        return { outcome: 'succeeded', detail: `incident ${incident.number}: ${params.status ?? ''} ${params.severity ?? ''}`.trim() };
      });
    },
  };
}
