export { startApi } from './api-server';
export type { ApiServer } from './api-server';
export type { ApiDependencies } from './api.module';
export type { Readiness, ReadinessReport } from './readiness';
