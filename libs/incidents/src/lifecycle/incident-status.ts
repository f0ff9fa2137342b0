/** Where a responder is with an incident; `resolved` may be reopened. */
export const INCIDENT_STATUSES = ['triggered', 'acknowledged', 'mitigated', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const INCIDENT_TRANSITIONS = ['acknowledge', 'mitigate', 'resolve', 'reopen'] as const;
export type IncidentTransition = (typeof INCIDENT_TRANSITIONS)[number];

export class IncidentTransitionError extends Error {
  readonly code = 'invalid_transition';
  constructor(
    readonly from: IncidentStatus,
    readonly transition: IncidentTransition,
  ) {
    super(`cannot ${transition} an incident that is ${from}`);
  }
}

const ALLOWED: Record<IncidentTransition, readonly IncidentStatus[]> = {
  // Skipping ahead is allowed: a fix can land before anyone pressed acknowledge.
  acknowledge: ['triggered'],
  mitigate: ['triggered', 'acknowledged'],
  resolve: ['triggered', 'acknowledged', 'mitigated'],
  reopen: ['resolved'],
};

const TARGET: Record<IncidentTransition, IncidentStatus> = {
  acknowledge: 'acknowledged',
  mitigate: 'mitigated',
  resolve: 'resolved',
  reopen: 'triggered',
};

/** The status a transition leads to, or an error naming why it is not allowed from here. */
export function nextStatus(from: IncidentStatus, transition: IncidentTransition): IncidentStatus {
  if (!ALLOWED[transition].includes(from)) throw new IncidentTransitionError(from, transition);
  return TARGET[transition];
}

/** Correlation only cares whether an incident still takes new signals. */
export const isOpenStatus = (status: IncidentStatus): boolean => status !== 'resolved';
