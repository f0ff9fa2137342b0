import type { AnomalyEvent } from '@vigil/contracts';
import { triggerMatches, type IncidentFacts, type TriggerContext } from '@vigil/runbooks';
import { launchRun, type RunEventSink } from '@vigil/runs';
import { RunbookRunRepository, type Queryable, type StoredIncident, type StoredRun } from '@vigil/store';
import type { RunbookLibrary } from './runbook-library';

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
      const run = await launchRun(tx, runbook, context, { dryRun: this.options.dryRun, history, killSwitch, nowMs, ...(this.options.events ? { events: this.options.events } : {}) });
      if (run) created.push(run);
    }
    if (created.some((r) => r.status === 'pending')) this.options.onScheduled?.();
    return created;
  }

}

