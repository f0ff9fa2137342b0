/** Injection tokens; explicit so DI never depends on emitted type metadata. */
export const DATABASE = Symbol('Database');
export const READINESS = Symbol('Readiness');
export const METRICS_REGISTRY = Symbol('MetricsRegistry');
export const POSTMORTEM_TEMPLATES = Symbol('PostmortemTemplates');
export const RUNBOOKS = Symbol('Runbooks');
