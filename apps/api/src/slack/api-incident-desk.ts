import { HttpException } from '@nestjs/common';
import type { AnomalyEvent } from '@vigil/contracts';
import { incidentSignature, similarIncidents } from '@vigil/incidents';
import { triggerMatches, type TriggerContext } from '@vigil/runbooks';
import { DeskRefusal, type DeskIncident, type IncidentDesk, type SlackActor } from '@vigil/slack';
import { IncidentRepository, RunbookRunRepository, type Database, type StoredIncident } from '@vigil/store';
import type { Actor } from '../auth/actor';
import { IncidentCommands } from '../incidents/incident-commands';
import { PostmortemWriter } from '../postmortems/postmortem-writer';
import type { PostmortemTemplates } from '../postmortems/postmortem-templates';
import { ManualRuns } from '../runbooks/manual-runs';
import { RunDecisions } from '../runbooks/run-decisions';
import type { RunbookSource } from '../runbooks/runbook-source';

export interface ApiIncidentDeskOptions {
  /** Where the dashboard is reachable, for links in Slack. */
  publicUrl: string;
  runbooks?: RunbookSource;
  postmortemTemplates: PostmortemTemplates;
}

const REFUSALS: Record<number, DeskRefusal['kind']> = { 400: 'invalid', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 422: 'invalid' };

/** Nest's HTTP errors become refusals Slack can show the user. */
async function refusing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HttpException) {
      const body = error.getResponse() as { message?: unknown };
      const message = typeof body === 'object' && body && typeof body.message === 'string' ? body.message : error.message;
      throw new DeskRefusal(message, REFUSALS[error.getStatus()] ?? 'invalid');
    }
    throw error;
  }
}

const asActor = (a: SlackActor): Actor => ({ tokenId: null, name: a.name, role: a.role });

function mustAct(actor: SlackActor): void {
  if (actor.role === 'viewer') throw new DeskRefusal(`${actor.name} is a viewer: acting on incidents needs the responder role (ask an admin to map your Slack user in SLACK_USER_ROLES)`, 'forbidden');
}

/**
 * Slack's port to incidents and runs, over the same commands as the REST API: one audit log,
 * one timeline, the same role rules (a Slack user's role comes from SLACK_USER_ROLES).
 */
export function createApiIncidentDesk(db: Database, options: ApiIncidentDeskOptions): IncidentDesk {
  const commands = new IncidentCommands(db);
  const writer = new PostmortemWriter(db, options.postmortemTemplates);
  const decisions = new RunDecisions(db);
  const manual = new ManualRuns(db, options.runbooks ?? null);
  const repo = new IncidentRepository(db);

  const find = async (ref: string): Promise<StoredIncident | null> => {
    const number = /^#?(\d{1,9})$/.exec(ref.trim());
    return number ? repo.getByNumber(Number(number[1])) : repo.get(ref.trim());
  };
  const must = async (ref: string): Promise<StoredIncident> => {
    const incident = await find(ref);
    if (!incident) throw new DeskRefusal(`no incident ${ref}`, 'not_found');
    return incident;
  };

  const view = async (incident: StoredIncident): Promise<DeskIncident> => {
    const signals = await repo.signals(incident.id);
    const runs = new RunbookRunRepository(db);
    const past = (await repo.resolvedHistory(300)).filter((p) => p.id !== incident.id);
    const fixes = new Map<string, string[]>();
    for (const p of past.slice(0, 50)) {
      const succeeded = (await runs.list({ incidentId: p.id, status: 'succeeded', limit: 5 })).items.map((r) => r.runbook);
      if (succeeded.length > 0) fixes.set(p.id, [...new Set(succeeded)]);
    }
    const similar = similarIncidents(
      incident.signature.length > 0 ? incident.signature : incidentSignature(signals),
      past.map((p) => ({ id: p.id, number: p.number, title: p.title, signature: p.signature, resolvedAtMs: p.resolvedAtMs, resolution: p.resolution, fixedBy: fixes.get(p.id) ?? [] })),
      { limit: 3 },
    );
    const facts = { id: incident.id, number: incident.number, severity: incident.severity, services: incident.services, status: incident.status };
    const contexts: TriggerContext[] = [
      { on: 'incident', incident: facts },
      ...signals.map((s) => {
        const event = { ...(s.firstEvent as AnomalyEvent), status: 'open' as const };
        return { on: event.kind === 'alert' ? ('alert' as const) : ('anomaly' as const), event, incident: facts };
      }),
    ];
    const loaded = options.runbooks ? await options.runbooks.current() : { runbooks: [] };
    const suggested = loaded.runbooks.filter(({ runbook }) => contexts.some((c) => runbook.triggers.some((t) => triggerMatches(t, c)))).map(({ runbook }) => runbook.metadata.name);
    const waiting = (await runs.list({ incidentId: incident.id, status: 'waiting_approval', limit: 20 })).items;
    const pendingApprovals = [];
    for (const run of waiting) for (const a of await runs.approvals({ runId: run.id, status: 'pending' })) pendingApprovals.push({ runId: run.id, runbook: run.runbook, step: a.stepName, roles: a.roles });
    const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
    return {
      id: incident.id,
      number: incident.number,
      title: incident.title,
      status: incident.status,
      severity: incident.severity,
      services: incident.services,
      commander: incident.commander,
      openedAt: new Date(incident.openedAtMs).toISOString(),
      acknowledgedAt: iso(incident.acknowledgedAtMs),
      mitigatedAt: iso(incident.mitigatedAtMs),
      resolvedAt: iso(incident.resolvedAtMs),
      rootCauseHints: incident.rootCauseHints,
      signals: [...signals]
        .sort((a, b) => b.peakScore - a.peakScore)
        .slice(0, 5)
        .map((s) => {
          const first = s.firstEvent as Partial<AnomalyEvent>;
          return { service: s.service, signal: s.signal, kind: s.kind, observed: s.peakObserved ?? first.observed ?? null, expected: first.expected ?? null, summary: first.summary ?? '', recovered: s.recoveredAtMs !== null };
        }),
      similar: similar.map((s) => ({ number: s.number, title: s.title, similarity: s.similarity, resolution: s.resolution, fixedBy: [...s.fixedBy] })),
      suggestedRunbooks: suggested,
      pendingApprovals,
      dashboardUrl: `${options.publicUrl.replace(/\/$/, '')}/#/incidents/${encodeURIComponent(incident.id)}`,
    };
  };

  return {
    async get(ref) {
      const incident = await find(ref);
      return incident ? view(incident) : null;
    },
    async declare(input, actor) {
      mustAct(actor);
      return view(await refusing(() => commands.declare(input, asActor(actor))));
    },
    async transition(id, transition, actor, note) {
      mustAct(actor);
      const incident = await must(id);
      return view(await refusing(() => commands.transition(incident.id, transition, asActor(actor), note)));
    },
    async setSeverity(id, severity, actor) {
      mustAct(actor);
      const incident = await must(id);
      return view(await refusing(() => commands.setSeverity(incident.id, severity, asActor(actor))));
    },
    async setCommander(id, commander, actor) {
      mustAct(actor);
      const incident = await must(id);
      return view(await refusing(() => commands.setCommander(incident.id, commander, asActor(actor))));
    },
    async addNote(id, text, actor, noteOptions = {}) {
      // Capturing the channel's conversation is not an action: anyone's message lands on the timeline.
      if (noteOptions.source !== 'slack_message' && !noteOptions.keyEvent) mustAct(actor);
      const incident = await must(id);
      await refusing(() => commands.addNote(incident.id, text, asActor(actor), { ...(noteOptions.keyEvent ? { keyEvent: true } : {}), source: noteOptions.source ?? 'slash_command' }));
    },
    async postmortem(id, actor) {
      mustAct(actor);
      const incident = await must(id);
      const markdown = await refusing(() => writer.render(incident, 'default'));
      const stored = await refusing(() => writer.store(incident.id, { template: 'default', markdown, author: actor.name }, asActor(actor), 'generated'));
      return { markdown: stored.markdown, revision: stored.revision };
    },
    async decideApproval(runId, decision, actor, comment) {
      if (actor.role === 'viewer') throw new DeskRefusal(`${actor.name} is a viewer and may not approve or reject runbook steps`, 'forbidden');
      const { run, step } = await refusing(() => decisions.decide(runId, decision, asActor(actor), comment ?? null));
      return { runbook: run.runbook, step };
    },
    async runRunbook(incidentId, runbook, actor) {
      mustAct(actor);
      const incident = await must(incidentId);
      const run = await refusing(() => manual.start(incident.id, runbook, asActor(actor)));
      return { runId: run.id, status: run.status, blockedGuard: run.blockedGuard, outcome: run.outcome };
    },
  };
}
