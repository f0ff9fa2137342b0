/**
 * What Slack may do to incidents and runs, implemented by the API (the same commands, audit
 * and timeline as its REST routes). libs/slack only talks to this port.
 */
export type DeskRole = 'viewer' | 'responder' | 'admin';

/** A Slack user as Vigil sees them: role from SLACK_USER_ROLES (unmapped users: SLACK_DEFAULT_ROLE). */
export interface SlackActor {
  slackUserId: string;
  /** Shown on the timeline and in the audit log, e.g. `slack:U024BE7LH`. */
  name: string;
  role: DeskRole;
}

export interface DeskIncident {
  id: string;
  number: number;
  title: string;
  status: 'triggered' | 'acknowledged' | 'mitigated' | 'resolved';
  severity: 'sev1' | 'sev2' | 'sev3' | 'sev4';
  services: string[];
  commander: string | null;
  openedAt: string;
  acknowledgedAt: string | null;
  mitigatedAt: string | null;
  resolvedAt: string | null;
  rootCauseHints: { service: string; signal: string; score: number; evidence: unknown }[];
  /** Top anomalies: observed vs expected. */
  signals: { service: string; signal: string; kind: string; observed: number | null; expected: number | null; summary: string; recovered: boolean }[];
  similar: { number: number; title: string; similarity: number; resolution: string | null; fixedBy: string[] }[];
  /** Runbooks whose triggers match this incident (first = suggested). */
  suggestedRunbooks: string[];
  /** Runbook steps waiting for a human on this incident. */
  pendingApprovals: { runId: string; runbook: string; step: string; roles: string[] }[];
  dashboardUrl: string;
}

/** Refusals carry a message fit to show the user (ephemeral in Slack). */
export class DeskRefusal extends Error {
  constructor(
    message: string,
    readonly kind: 'forbidden' | 'not_found' | 'conflict' | 'invalid',
  ) {
    super(message);
  }
}

export interface IncidentDesk {
  /** By id (`inc-…`) or number (`42`). */
  get(ref: string): Promise<DeskIncident | null>;
  declare(input: { title: string; severity: DeskIncident['severity']; services: string[] }, actor: SlackActor): Promise<DeskIncident>;
  transition(id: string, transition: 'acknowledge' | 'mitigate' | 'resolve' | 'reopen', actor: SlackActor, note?: string): Promise<DeskIncident>;
  setSeverity(id: string, severity: DeskIncident['severity'], actor: SlackActor): Promise<DeskIncident>;
  setCommander(id: string, commander: string, actor: SlackActor): Promise<DeskIncident>;
  /** A note on the timeline; `keyEvent` marks pinned messages. */
  addNote(id: string, text: string, actor: SlackActor, options?: { keyEvent?: boolean; source?: 'slack_message' | 'slash_command' }): Promise<void>;
  /** Generates (and stores as a revision) the postmortem from the default template. */
  postmortem(id: string, actor: SlackActor): Promise<{ markdown: string; revision: number }>;
  decideApproval(runId: string, decision: 'approved' | 'rejected', actor: SlackActor, comment?: string): Promise<{ runbook: string; step: string }>;
  runRunbook(incidentId: string, runbook: string, actor: SlackActor): Promise<{ runId: string; status: string; blockedGuard: string | null; outcome: string }>;
}
