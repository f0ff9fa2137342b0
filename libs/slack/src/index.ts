export { DeskRefusal } from './incident-desk';
export type { DeskIncident, DeskRole, IncidentDesk, SlackActor } from './incident-desk';
export * from './inbound';
export * from './views';
export * from './outbound';
