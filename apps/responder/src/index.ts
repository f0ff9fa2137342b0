export { startResponder } from './responder';
export type { Responder, ResponderDependencies } from './responder';
export { ResponderProcessor, InvalidAnomalyEvent } from './responder.processor';
export type { ResponderProcessorOptions } from './responder.processor';
export { IncidentBook, eventKey } from './incident-book';
export { ResponderMetrics } from './responder.metrics';
export { incidentTitle } from './incident-title';
export { storedTopology } from './stored-topology';
