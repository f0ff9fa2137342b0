export { ServiceDependencyGraph } from './service-dependency-graph';
export type { ServiceCall } from './service-dependency-graph';
export { IncidentCorrelator } from './incident-correlator';
export type { Incident, IncidentChange, IncidentMember } from './incident-correlator';
export { DEFAULT_CORRELATION_OPTIONS } from './correlation-options';
export type { CorrelationOptions } from './correlation-options';
export { rankRootCauses } from './root-cause';
export type { RootCauseHint } from './root-cause';
